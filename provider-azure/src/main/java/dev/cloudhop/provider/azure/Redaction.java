package dev.cloudhop.provider.azure;

import dev.cloudhop.api.CloudException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.Spliterator;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Keeps the signature of a shared access signature ({@code sig=...}) out of messages and logs.
 *
 * <p>Why: in SAS mode the token travels in the query of every storage request URL, and jclouds puts the
 * request line into its exception messages ("request: GET https://...&sig=... failed with response ...", "...
 * connecting to GET ...") and its DEBUG logs ({@code jclouds.headers}). Only {@code sig} is secret in a SAS
 * (the other parameters say what it grants), so {@code sig=<value>} becomes {@code sig=REDACTED}, the rest of
 * the URL stays readable. Stateless; thread-safe.
 */
final class Redaction {

    static final String REDACTED = "REDACTED";
    /** {@code sig=} or its percent-encoded form ({@code sig%3D}, a SAS inside an encoded URL), then the value. */
    private static final Pattern SIGNATURE = Pattern.compile("(?i)(?:(?<![A-Za-z0-9_-])|(?<=%3F|%26))(sig(?:=|%3D))(?!" + REDACTED
            + "(?:[&\\s\"'<>]|$))[^&\\s\"'<>]+");

    private Redaction() {
    }

    /** {@code text} with every SAS signature value replaced by {@value #REDACTED}; null stays null. */
    static String redact(String text) {
        return text == null ? null : SIGNATURE.matcher(text).replaceAll("$1" + REDACTED);
    }

    /** Whether {@code t}, its causes or suppressed exceptions say a SAS signature anywhere. */
    static boolean leaks(Throwable t) {
        return leaks(t, Collections.newSetFromMap(new IdentityHashMap<>()));
    }

    private static boolean leaks(Throwable t, Set<Throwable> seen) {
        if (t == null || !seen.add(t)) {
            return false;
        }
        if (SIGNATURE.matcher(String.valueOf(t)).find()) {
            return true;
        }
        for (Throwable s : t.getSuppressed()) {
            if (leaks(s, seen)) {
                return true;
            }
        }
        return leaks(t.getCause(), seen);
    }

    /**
     * {@code e} itself when nothing in it says a signature; otherwise the same kind of exception with the
     * redacted message, whose causes are {@link RedactedFailure} copies (class name, redacted message and
     * stack trace of each original).
     */
    static CloudException scrub(CloudException e) {
        if (!leaks(e)) {
            return e;
        }
        return AzureErrors.withMessage(e, redact(AzureErrors.ownMessage(e)),
                copy(e.getCause(), Collections.newSetFromMap(new IdentityHashMap<>())));
    }

    /** A redacted copy of {@code t} and its chain; the original stays unreferenced. */
    static Throwable copy(Throwable t) {
        return copy(t, Collections.newSetFromMap(new IdentityHashMap<>()));
    }

    private static Throwable copy(Throwable t, Set<Throwable> seen) {
        if (t == null || !seen.add(t)) {
            return null;
        }
        RedactedFailure r = new RedactedFailure(t, copy(t.getCause(), seen));
        for (Throwable s : t.getSuppressed()) {
            Throwable c = copy(s, seen);
            if (c != null) {
                r.addSuppressed(c);
            }
        }
        return r;
    }

    /**
     * {@code target} behind a proxy of {@code type} that {@linkplain #scrub scrubs} every {@link CloudException}
     * its methods throw, also those thrown later while consuming a returned {@link Stream}. The proxy is
     * {@link AutoCloseable} too when {@code target} is (so a site's close reaches it).
     */
    static <T> T guard(Class<T> type, T target) {
        InvocationHandler handler = (proxy, method, args) -> {
            if (method.getDeclaringClass() == Object.class) {
                return switch (method.getName()) {
                    case "equals" -> proxy == args[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    default -> target.toString();
                };
            }
            try {
                Object result = method.invoke(target, args);
                return result instanceof Stream<?> s ? scrubbing(s) : result;
            } catch (InvocationTargetException e) {
                throw e.getCause() instanceof CloudException ce ? scrub(ce) : e.getCause();
            }
        };
        Class<?>[] interfaces = target instanceof AutoCloseable && !AutoCloseable.class.isAssignableFrom(type)
                ? new Class<?>[] {type, AutoCloseable.class} : new Class<?>[] {type};
        return type.cast(Proxy.newProxyInstance(Redaction.class.getClassLoader(), interfaces, handler));
    }

    private static <E> Stream<E> scrubbing(Stream<E> stream) {
        Spliterator<E> inner = stream.spliterator();
        Spliterator<E> outer = new Spliterator<>() {
            @Override
            public boolean tryAdvance(Consumer<? super E> action) {
                try {
                    return inner.tryAdvance(action);
                } catch (CloudException e) {
                    throw scrub(e);
                }
            }

            @Override
            public Spliterator<E> trySplit() {
                return null;
            }

            @Override
            public long estimateSize() {
                return inner.estimateSize();
            }

            @Override
            public int characteristics() {
                return inner.characteristics() & ~(Spliterator.SIZED | Spliterator.SUBSIZED);
            }
        };
        return StreamSupport.stream(outer, false).onClose(stream::close);
    }

    /** Stands in for an exception whose message said a SAS signature: its class, redacted message and stack. */
    static final class RedactedFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RedactedFailure(Throwable original, Throwable cause) {
            super(original.getClass().getName() + (original.getMessage() == null ? ""
                    : ": " + redact(original.getMessage())), cause);
            setStackTrace(original.getStackTrace());
        }

        @Override
        public String toString() {
            return getMessage();
        }
    }
}
