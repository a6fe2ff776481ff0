package dev.cloudhop.failover.internal;

import dev.cloudhop.api.Cloud;
import dev.cloudhop.api.ErrorContext;
import dev.cloudhop.api.ThrottledException;
import dev.cloudhop.api.UnavailableException;
import dev.cloudhop.api.blob.BlobStore;
import dev.cloudhop.api.compute.ComputeService;
import dev.cloudhop.api.dns.DnsService;
import dev.cloudhop.api.queue.QueueService;
import dev.cloudhop.failover.Fault;
import dev.cloudhop.failover.Service;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Optional;

/**
 * One site's services as the facade sees them: every call passes the switchboard (fault injection) and
 * reports its outcome to health tracking. The single interception point for all cross-cutting work.
 */
public final class InterceptedSite {

    /** What the interceptor needs from the facade. */
    public interface Hooks {
        /** The fault to apply to a call, if any. */
        Optional<Fault> fault(String site, Service service, String operation);

        /** A call succeeded. */
        void succeeded(String site, Service service);

        /** A call failed as unavailable or throttled. */
        void failed(String site, Service service, String reason);

        /** How long a black-holed call hangs. */
        Duration callTimeout();
    }

    private final Cloud cloud;
    private final BlobStore blobs;
    private final QueueService queues;
    private final DnsService dns;
    private final ComputeService compute;

    /** Wraps a site's services. */
    public InterceptedSite(Cloud cloud, Hooks hooks) {
        this.cloud = cloud;
        String site = cloud.site().id();
        this.blobs = wrap(BlobStore.class, cloud.blobs(), site, Service.BLOB, hooks, cloud);
        this.queues = wrap(QueueService.class, cloud.queues(), site, Service.QUEUE, hooks, cloud);
        this.dns = wrap(DnsService.class, cloud.dns(), site, Service.DNS, hooks, cloud);
        this.compute = wrap(ComputeService.class, cloud.compute(), site, Service.COMPUTE, hooks, cloud);
    }

    /** The underlying site, without interception. */
    public Cloud raw() {
        return cloud;
    }

    /** The site id. */
    public String id() {
        return cloud.site().id();
    }

    /** Intercepted blob storage. */
    public BlobStore blobs() {
        return blobs;
    }

    /** Intercepted queues. */
    public QueueService queues() {
        return queues;
    }

    /** Intercepted DNS. */
    public DnsService dns() {
        return dns;
    }

    /** Intercepted compute. */
    public ComputeService compute() {
        return compute;
    }

    private static <T> T wrap(Class<T> type, T target, String site, Service service, Hooks hooks, Cloud cloud) {
        InvocationHandler handler = (proxy, method, args) -> {
            if (method.getDeclaringClass() == Object.class) {
                return switch (method.getName()) {
                    case "toString" -> "Intercepted[" + site + " " + service.key() + "]";
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> method.invoke(target, args);
                };
            }
            if (method.getName().equals("limits")) {
                return method.invoke(target, args); // local metadata, no call to the site
            }
            if (method.isDefault()) {
                // Default methods (lazy listing) call the abstract ones through the proxy, so they are intercepted there.
                return InvocationHandler.invokeDefault(proxy, method, args);
            }
            return invoke(target, method, args, site, service, hooks, cloud);
        };
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
    }

    private static Object invoke(Object target, Method method, Object[] args, String site, Service service, Hooks hooks,
                                 Cloud cloud) throws Throwable {
        String operation = method.getName();
        Optional<Fault> fault = hooks.fault(site, service, operation);
        ErrorContext ctx = ErrorContext.of(cloud.site(), service.key() + "." + operation);
        if (fault.isPresent()) {
            Fault f = fault.get();
            if (f instanceof Fault.Latency latency) {
                Thread.sleep(latency.delay().toMillis());
            } else if (f instanceof Fault.Throttle) {
                hooks.failed(site, service, "injected throttling");
                throw new ThrottledException(ctx, "throttled (fault injected by the switchboard)");
            } else if (f instanceof Fault.Blackhole) {
                Thread.sleep(hooks.callTimeout().toMillis());
                hooks.failed(site, service, "injected blackhole");
                throw new UnavailableException(ctx, "timed out after " + hooks.callTimeout()
                        + " (blackhole injected by the switchboard)");
            } else {
                hooks.failed(site, service, "injected outage");
                throw new UnavailableException(ctx, "unavailable (fault injected by the switchboard)");
            }
        }
        try {
            Object result = method.invoke(target, args);
            hooks.succeeded(site, service);
            return result;
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof UnavailableException || cause instanceof ThrottledException) {
                hooks.failed(site, service, cause.getMessage());
            }
            throw cause;
        }
    }
}
