package dev.cloudhop.api.spi;

import com.google.inject.Module;
import dev.cloudhop.api.Capability;
import dev.cloudhop.api.naming.NamingRules;
import java.util.List;
import java.util.Set;

/**
 * A provider of Cloudhop services, found by {@link java.util.ServiceLoader} (list the implementation in
 * {@code META-INF/services/dev.cloudhop.api.spi.CloudProvider}).
 *
 * <p>A provider is described as data (id, capabilities, config keys, naming rules) plus one Guice module.
 * Implementations have a public no-argument constructor and are thread-safe.
 */
public interface CloudProvider {

    /** The id sites name in {@code provider = ...}: {@code azure}, {@code aws}, {@code onprem}, {@code local}. */
    String id();

    /** One line saying what the provider talks to. */
    String description();

    /** What sites of this provider can do. */
    Set<Capability> capabilities();

    /** The keys a site of this provider understands, beyond {@code provider} and {@code region}. */
    List<ConfigKey> configKeys();

    /** The naming rules this provider enforces. */
    NamingRules namingRules();

    /**
     * The Guice module for one site. It must bind {@link dev.cloudhop.api.Cloud},
     * {@link dev.cloudhop.api.blob.BlobStore}, {@link dev.cloudhop.api.queue.QueueService},
     * {@link dev.cloudhop.api.dns.DnsService} and {@link dev.cloudhop.api.compute.ComputeService}, unannotated;
     * it is installed in a private module of its own, so two sites of one provider do not clash. The
     * module does no I/O: clients connect on first use. {@link SiteConfig} and {@link dev.cloudhop.api.SiteInfo}
     * are already bound.
     */
    Module module(SiteConfig site);
}
