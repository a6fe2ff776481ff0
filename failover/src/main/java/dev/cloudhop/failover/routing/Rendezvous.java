package dev.cloudhop.failover.routing;

import java.util.Collection;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Rendezvous (highest random weight) hashing of keys over sites: when a site drops out, only its keys move.
 * Stateless.
 */
final class Rendezvous {

    private Rendezvous() {
    }

    /** The key's home among {@code sites}: the best up site, or the first site when none is up. */
    static String home(String key, Collection<String> sites, Predicate<String> up) {
        String best = null;
        long bestScore = Long.MIN_VALUE;
        for (String s : sites) {
            if (!up.test(s) && best != null) {
                continue;
            }
            long score = up.test(s) ? mix((key + "@" + s).hashCode()) : Long.MIN_VALUE + 1;
            if (best == null || score > bestScore) {
                best = s;
                bestScore = score;
            }
        }
        return best;
    }

    /** Weighted pick among up sites with a positive weight (default 1); null when there is none. */
    static String weighted(String key, Collection<String> sites, Map<String, Integer> weights, Predicate<String> up) {
        String best = null;
        double bestScore = Double.POSITIVE_INFINITY;
        for (String s : sites) {
            int weight = weights.getOrDefault(s, 1);
            if (weight <= 0 || !up.test(s)) {
                continue;
            }
            double uniform = ((mix((key + "@" + s).hashCode()) >>> 11) + 0.5) / (1L << 53);
            double score = -Math.log(uniform) / weight;
            if (score < bestScore) {
                best = s;
                bestScore = score;
            }
        }
        return best;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }
}
