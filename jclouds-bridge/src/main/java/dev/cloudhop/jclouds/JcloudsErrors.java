package dev.cloudhop.jclouds;

import dev.cloudhop.api.CloudException;
import dev.cloudhop.api.ConflictException;
import dev.cloudhop.api.ErrorContext;
import dev.cloudhop.api.InvalidRequestException;
import dev.cloudhop.api.NotFoundException;
import dev.cloudhop.api.ThrottledException;
import dev.cloudhop.api.UnauthorizedException;
import dev.cloudhop.api.UnavailableException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import org.jclouds.blobstore.ContainerNotFoundException;
import org.jclouds.blobstore.KeyNotFoundException;
import org.jclouds.http.HttpResponse;
import org.jclouds.http.HttpResponseException;
import org.jclouds.rest.AuthorizationException;
import org.jclouds.rest.ResourceNotFoundException;

/**
 * Translates whatever jclouds throws into exactly one {@link CloudException}. The one place that knows
 * jclouds' exceptions; every provider built on jclouds uses it.
 *
 * <p>Rules, first match on the cause chain wins: a {@link CloudException} passes through; our own length
 * check becomes {@link InvalidRequestException}; jclouds' not-found exceptions become
 * {@link NotFoundException}; {@link AuthorizationException} becomes {@link UnauthorizedException}; an HTTP
 * response maps by status (400 invalid, 401/403 unauthorized, 404 not found, 409/412 conflict, 429 and
 * 503 SlowDown/ServerBusy throttled, other 5xx unavailable); refused connections, timeouts and other
 * I/O failures become {@link UnavailableException}; an {@link IllegalArgumentException} from jclouds'
 * validators becomes {@link InvalidRequestException}. Anything else is reported as unavailable, keeping
 * the cause, because the caller cannot have caused it.
 */
public final class JcloudsErrors {

    private JcloudsErrors() {
    }

    /** Translates {@code failure}, raised while performing the operation of {@code context}. */
    public static CloudException translate(Throwable failure, ErrorContext context) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            CloudException mapped = mapOne(t, context);
            if (mapped != null) {
                return mapped;
            }
        }
        return new UnavailableException(context, "unexpected failure: " + describe(failure), failure);
    }

    private static CloudException mapOne(Throwable t, ErrorContext context) {
        if (t instanceof CloudException ce) {
            return ce;
        }
        if (t instanceof LengthMismatchException) {
            return new InvalidRequestException(context, t.getMessage(), t);
        }
        if (t instanceof ContainerNotFoundException) {
            return new NotFoundException(context, "container does not exist", t);
        }
        if (t instanceof KeyNotFoundException || t instanceof ResourceNotFoundException) {
            return new NotFoundException(context, "does not exist", t);
        }
        if (t instanceof AuthorizationException) {
            return new UnauthorizedException(context, "credentials rejected or not permitted", t);
        }
        if (t instanceof HttpResponseException http && http.getResponse() != null) {
            // The provider's error code (S3 "SlowDown", Azure "ServerBusy") is in the body, or, once a
            // provider has parsed the body (AWSResponseException), in the message.
            return byStatus(http.getResponse(), http.getContent() + " " + http.getMessage(), t, context);
        }
        if (t instanceof ConnectException || t instanceof NoRouteToHostException || t instanceof UnknownHostException) {
            return new UnavailableException(context, "cannot connect: " + describe(t), t);
        }
        if (t instanceof SocketTimeoutException || t instanceof InterruptedIOException || t instanceof TimeoutException) {
            return new UnavailableException(context, "timed out: " + describe(t), t);
        }
        if (t instanceof SocketException || t instanceof IOException) {
            return new UnavailableException(context, "I/O failure: " + describe(t), t);
        }
        if (t instanceof IllegalArgumentException && t.getCause() == null) {
            return new InvalidRequestException(context, "rejected: " + t.getMessage(), t);
        }
        return null;
    }

    /** Maps an HTTP status (and, for 503, the error code in the body) to our family. */
    static CloudException byStatus(HttpResponse response, String body, Throwable cause, ErrorContext context) {
        int status = response.getStatusCode();
        String detail = "HTTP " + status + (response.getMessage() == null ? "" : " " + response.getMessage());
        String code = body == null ? "" : body.toLowerCase(Locale.ROOT);
        if (status == 429 || (status == 503 && (code.contains("slowdown") || code.contains("serverbusy")
                || code.contains("throttl")))) {
            return new ThrottledException(context, "throttled (" + detail + ")", cause);
        }
        if (status >= 500) {
            return new UnavailableException(context, "server error (" + detail + ")", cause);
        }
        return switch (status) {
            case 401, 403 -> new UnauthorizedException(context, "credentials rejected or not permitted (" + detail + ")", cause);
            case 404 -> new NotFoundException(context, "does not exist (" + detail + ")", cause);
            case 409, 412 -> new ConflictException(context, "conflict or precondition failed (" + detail + ")", cause);
            case 408 -> new UnavailableException(context, "request timed out (" + detail + ")", cause);
            default -> new InvalidRequestException(context, "rejected (" + detail + ")", cause);
        };
    }

    private static String describe(Throwable t) {
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }
}
