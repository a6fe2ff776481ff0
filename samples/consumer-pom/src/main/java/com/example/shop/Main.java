package com.example.shop;

import dev.cloudhop.api.spi.CloudProvider;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Proves that a build importing cloudhop-bom gets a working classpath: both providers load through ServiceLoader,
 * every Netty artifact has one version (the expected one, when given as the first argument), and the facade
 * accepts an Azure and an AWS site. Exits non-zero when a check fails.
 */
public final class Main {

    private Main() {
    }

    /** Runs the checks. */
    public static void main(String[] args) {
        Set<String> ids = ServiceLoader.load(CloudProvider.class).stream()
                .map(p -> p.get().id()).collect(Collectors.toCollection(TreeSet::new));
        System.out.println("providers: " + ids);
        check(ids.containsAll(Set.of("aws", "azure")), "aws and azure providers found");

        Map<String, String> netty = nettyVersions();
        Set<String> versions = new TreeSet<>(netty.values());
        System.out.println("netty: " + versions + " across " + netty.size() + " artifacts " + netty.keySet());
        check(versions.size() == 1, "one Netty version");
        if (args.length > 0) {
            check(versions.equals(Set.of(args[0])), "Netty is the BOM's " + args[0]);
        }

        try (ShopCloud cloud = new ShopCloud()) {
            for (String site : cloud.failover().priority()) {
                System.out.println("site " + site + ": provider " + cloud.sites().site(site).site().provider());
            }
            cloud.facade(); // throws when a site of the failover priority is not open
            check(true, "failover facade accepts the azure and aws sites");
        }
        System.out.println("consumer build OK");
    }

    /**
     * Netty's own account of its jars ({@code io.netty.util.Version.identify()}), read reflectively: the providers
     * are runtime dependencies, so Netty is not on this class's compile path.
     */
    private static Map<String, String> nettyVersions() {
        try {
            Class<?> version = Class.forName("io.netty.util.Version");
            Method artifactVersion = version.getMethod("artifactVersion");
            Map<String, String> versions = new TreeMap<>();
            for (Map.Entry<?, ?> e : ((Map<?, ?>) version.getMethod("identify").invoke(null)).entrySet()) {
                String artifact = (String) e.getKey();
                if (!artifact.startsWith("netty-tcnative")) { // tcnative has its own version line
                    versions.put(artifact, (String) artifactVersion.invoke(e.getValue()));
                }
            }
            return versions;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Netty is not on the classpath", e);
        }
    }

    private static void check(boolean ok, String what) {
        System.out.println((ok ? "ok    " : "FAIL  ") + what);
        if (!ok) {
            System.exit(1);
        }
    }
}
