package dev.cloudhop.provider.onprem;

import dev.cloudhop.api.ErrorContext;
import dev.cloudhop.api.SiteInfo;
import dev.cloudhop.api.UnsupportedCapabilityException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;

/**
 * A service a site does not configure: every operation throws {@link UnsupportedCapabilityException}
 * saying which keys to set. Closing it does nothing.
 */
final class Unconfigured {

    private Unconfigured() {
    }

    /**
     * @param type    the service interface
     * @param service the service's short name, e.g. {@code "dns"}, used for operation names
     * @param hint    what to configure, e.g. {@code "set dns.server"}
     */
    static <T> T service(Class<T> type, SiteInfo site, String service, String hint) {
        InvocationHandler handler = (proxy, method, args) -> switch (method.getName()) {
            case "toString" -> "Unconfigured" + type.getSimpleName() + "[" + site + "]";
            case "hashCode" -> System.identityHashCode(proxy);
            case "equals" -> proxy == args[0];
            case "close" -> null;
            default -> throw new UnsupportedCapabilityException(ErrorContext.of(site, service + "." + method.getName()),
                    "site " + site.id() + " has no " + service + " service configured: " + hint);
        };
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type, AutoCloseable.class},
                handler));
    }
}
