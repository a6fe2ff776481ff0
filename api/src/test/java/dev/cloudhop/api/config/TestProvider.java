package dev.cloudhop.api.config;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import dev.cloudhop.api.Capability;
import dev.cloudhop.api.naming.NamingRules;
import dev.cloudhop.api.spi.CloudProvider;
import dev.cloudhop.api.spi.ConfigKey;
import dev.cloudhop.api.spi.SiteConfig;
import java.util.List;
import java.util.Set;

/** A provider description used only to test configuration validation (it binds nothing). */
final class TestProvider implements CloudProvider {

    @Override
    public String id() {
        return "remote";
    }

    @Override
    public String description() {
        return "test provider with required keys";
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.BLOB);
    }

    @Override
    public List<ConfigKey> configKeys() {
        return List.of(
                ConfigKey.required("endpoint", ConfigKey.Type.URI, "the service endpoint"),
                ConfigKey.required("credentials.key", ConfigKey.Type.SECRET, "the account key"),
                ConfigKey.withDefault("timeout", ConfigKey.Type.DURATION, "5 s", "request timeout"),
                ConfigKey.withDefault("retries", ConfigKey.Type.INT, "3", "retries"),
                ConfigKey.optional("multipart-threshold", ConfigKey.Type.BYTES, "multipart above this size"));
    }

    @Override
    public NamingRules namingRules() {
        return NamingRules.AWS;
    }

    @Override
    public Module module(SiteConfig site) {
        return new AbstractModule() {
        };
    }
}
