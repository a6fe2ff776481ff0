package dev.cloudhop.provider.azure;

import com.azure.core.exception.ClientAuthenticationException;
import com.azure.core.exception.HttpResponseException;
import com.azure.core.exception.UnexpectedLengthException;
import com.azure.core.http.HttpResponse;
import com.azure.core.management.exception.ManagementException;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.queue.models.QueueStorageException;
import dev.cloudhop.api.CloudException;
import dev.cloudhop.api.ConflictException;
import dev.cloudhop.api.ErrorContext;
import dev.cloudhop.api.InvalidRequestException;
import dev.cloudhop.api.NotFoundException;
import dev.cloudhop.api.ThrottledException;
import dev.cloudhop.api.UnauthorizedException;
import dev.cloudhop.api.UnavailableException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * Translates Azure SDK failures (storage, Resource Manager, identity, transport) into exactly one
 * {@link CloudException}, by HTTP status and Azure error code.
 *
 * <p>Codes first: {@code ServerBusy}, {@code TooManyRequests}, {@code OperationTimedOut} on 503 and any 429
 * are throttling; {@code AuthenticationFailed}, {@code AuthorizationFailure}, {@code InvalidAuthenticationToken}
 * and 401/403 are unauthorized; codes ending in {@code NotFound} ({@code QueueNotFound},
 * {@code ContainerNotFound}, {@code ResourceNotFound}, {@code ResourceGroupNotFound}, ...) and 404 are not
 * found; 409 and 412 are conflicts; other 4xx are invalid requests; 408 and 5xx are unavailable. Refused
 * connections, timeouts and I/O errors anywhere in the cause chain are unavailable. Messages carry the
 * status and code, never a credential or a SAS signature ({@link Redaction}).
 */
final class AzureErrors {

    private static final Set<String> THROTTLING_CODES = Set.of("serverbusy", "toomanyrequests", "slowdown",
            "throttled", "subscriptionrequeststhrottled", "resourcerequeststhrottled");
    private static final Set<String> AUTH_CODES = Set.of("authenticationfailed", "authorizationfailure",
            "authorizationpermissionmismatch", "invalidauthenticationtoken", "expiredauthenticationtoken",
            "authorizationfailed", "insufficientaccountpermissions", "linkedauthorizationfailed");

    /**
     * Codes a long-running operation ends Failed with when the platform, not the request, is at fault:
     * no capacity for the size in the region or zone, a VM that never reported ready, internal errors.
     */
    private static final Set<String> PLATFORM_FAILURE_CODES = Set.of("allocationfailed", "zonalallocationfailed",
            "overconstrainedallocationrequest", "overconstrainedzonalallocationrequest", "osprovisioningtimedout",
            "internalexecutionerror", "internalservererror", "internaloperationerror", "serviceunavailable",
            "operationtimedout", "networkingerror", "retryableerror", "gatewaytimeout");
    /** Codes of an operation another operation superseded or someone canceled; the SDK's own for Canceled. */
    private static final Set<String> CANCELED_CODES = Set.of("operationpreempted", "canceled", "cancelled",
            "user_cancelled", "conflict", "anotheroperationinprogress", "retryableerroroperationconflict");

    private static final java.util.regex.Pattern BODY_CODE = java.util.regex.Pattern.compile(
            "<Code>([A-Za-z0-9_.-]{1,100})</Code>|\"code\"\\s*:\\s*\"([A-Za-z0-9_.-]{1,100})\"");

    private AzureErrors() {
    }

    /** Translates {@code failure}, raised while performing the operation of {@code context}. */
    static CloudException translate(Throwable failure, ErrorContext context) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            CloudException mapped = mapOne(t, context);
            if (mapped != null) {
                return Redaction.scrub(mapped);
            }
        }
        return Redaction.scrub(new UnavailableException(context, "unexpected failure: " + describe(failure), failure));
    }

    /** Runs {@code action}, translating what it throws. */
    static <T> T call(ErrorContext context, java.util.function.Supplier<T> action) {
        try {
            return action.get();
        } catch (RuntimeException | Error e) {
            if (e instanceof Error err && !(err instanceof AssertionError)) {
                throw err;
            }
            throw translate(e, context);
        }
    }

    /** The Azure error code of a response exception, or empty. */
    static String code(HttpResponseException e) {
        if (e instanceof BlobStorageException b && b.getErrorCode() != null) {
            return b.getErrorCode().toString();
        }
        if (e instanceof QueueStorageException q && q.getErrorCode() != null) {
            return q.getErrorCode().toString();
        }
        if (e instanceof ManagementException m && m.getValue() != null && m.getValue().getCode() != null) {
            return m.getValue().getCode();
        }
        HttpResponse response = e.getResponse();
        if (response != null) {
            String header = response.getHeaders().getValue(com.azure.core.http.HttpHeaderName.fromString("x-ms-error-code"));
            if (header != null) {
                return header;
            }
        }
        // the storage SDKs take the code from the header only; a body <Code> (proxies, fault injection) counts too
        java.util.regex.Matcher m = BODY_CODE.matcher(String.valueOf(e.getMessage()));
        return m.find() ? (m.group(1) != null ? m.group(1) : m.group(2)) : "";
    }

    /** The HTTP status of a response exception, or 0. */
    static int status(HttpResponseException e) {
        return e.getResponse() == null ? 0 : e.getResponse().getStatusCode();
    }

    private static CloudException mapOne(Throwable t, ErrorContext context) {
        if (t instanceof CloudException ce) {
            return ce;
        }
        if (t instanceof UnexpectedLengthException) {
            return new InvalidRequestException(context, "content length differs from the declared length: "
                    + t.getMessage(), t);
        }
        if (t instanceof ClientAuthenticationException && ((HttpResponseException) t).getResponse() == null) {
            return new UnauthorizedException(context, "authentication failed: " + firstLine(t.getMessage()), t);
        }
        if (t instanceof ManagementException m && isFailedOperation(m)) {
            return operationFailed(m, context);
        }
        if (t instanceof HttpResponseException http && http.getResponse() != null) {
            return byStatus(status(http), code(http), t, context);
        }
        if (t instanceof com.microsoft.aad.msal4j.MsalServiceException msal) {
            // Entra ID refused the token request: a wrong tenant, client id or client credential
            int status = msal.statusCode() == null ? 401 : msal.statusCode();
            if (status == 429 || status >= 500) {
                return byStatus(status, msal.errorCode(), t, context);
            }
            return new UnauthorizedException(context, "Microsoft Entra ID refused the service principal (HTTP " + status
                    + " " + msal.errorCode() + ")", t);
        }
        if (t.getClass().getName().equals("com.azure.identity.CredentialUnavailableException")) {
            return new UnauthorizedException(context, "no usable credentials: " + firstLine(t.getMessage()), t);
        }
        if (t instanceof ConnectException || t instanceof NoRouteToHostException || t instanceof UnknownHostException) {
            return new UnavailableException(context, "cannot connect: " + describe(t), t);
        }
        if (t instanceof TimeoutException || t instanceof java.net.SocketTimeoutException
                || t.getClass().getName().startsWith("io.netty.handler.timeout.")) {
            return new UnavailableException(context, "timed out: " + describe(t), t);
        }
        if (t instanceof IllegalStateException && t.getMessage() != null && t.getMessage().startsWith("Timeout on blocking read")) {
            return new UnavailableException(context, "timed out: " + t.getMessage(), t);
        }
        if (t instanceof IOException || t instanceof java.io.UncheckedIOException
                || t.getClass().getName().startsWith("reactor.netty.")) {
            return new UnavailableException(context, "I/O failure: " + describe(t), t);
        }
        return null;
    }

    /**
     * Whether {@code m} reports a long-running operation that ended Failed or Canceled: the SDK raises it from
     * the final poll (a 2xx status document carrying the ARM error) or, for Canceled, without a response.
     */
    static boolean isFailedOperation(ManagementException m) {
        return m.getValue() != null && (m.getResponse() == null || status(m) < 300);
    }

    /**
     * Maps an operation that ended Failed or Canceled by its ARM error code: platform failures (capacity,
     * provisioning timeouts, internal errors) are unavailable, canceled or superseded operations conflicts,
     * anything else by the code alone as a 400 would be (quota, invalid parameters: invalid requests).
     */
    private static CloudException operationFailed(ManagementException m, ErrorContext context) {
        String code = m.getValue().getCode() == null ? "" : m.getValue().getCode();
        String c = code.toLowerCase(Locale.ROOT);
        String message = m.getValue().getMessage() == null ? "" : firstLine(m.getValue().getMessage());
        if (message.length() > 400) {
            message = message.substring(0, 400) + "...";
        }
        boolean canceled = CANCELED_CODES.contains(c);
        String detail = "the long-running operation ended " + (canceled ? "Canceled" : "Failed") + " ("
                + (c.equals("user_cancelled") ? "Azure reported no error details" : code + ": " + message) + ")";
        if (canceled) {
            return new ConflictException(context, detail + "; another operation on the resource may have superseded it", m);
        }
        if (PLATFORM_FAILURE_CODES.contains(c)) {
            return new UnavailableException(context, detail, m);
        }
        return withMessage(byStatus(400, code, m, context), detail, m);
    }

    /** The same kind of exception as {@code e}, with {@code note} appended to its message and the same cause. */
    static CloudException amend(CloudException e, String note) {
        return withMessage(e, ownMessage(e) + "; " + note, e.getCause() == null ? e : e.getCause());
    }

    /** The message of {@code e} without the description of its context that every CloudException starts with. */
    static String ownMessage(CloudException e) {
        String prefix = new UnavailableException(e.context(), "").getMessage(); // the context's description and ": "
        return e.getMessage().startsWith(prefix) ? e.getMessage().substring(prefix.length()) : e.getMessage();
    }

    /** An exception of the same kind (and so the same retryability) as {@code kind}, in the same context. */
    static CloudException withMessage(CloudException kind, String message, Throwable cause) {
        ErrorContext ctx = kind.context();
        if (kind instanceof NotFoundException) {
            return new NotFoundException(ctx, message, cause);
        } else if (kind instanceof ConflictException) {
            return new ConflictException(ctx, message, cause);
        } else if (kind instanceof ThrottledException) {
            return new ThrottledException(ctx, message, cause);
        } else if (kind instanceof UnauthorizedException) {
            return new UnauthorizedException(ctx, message, cause);
        } else if (kind instanceof InvalidRequestException) {
            return new InvalidRequestException(ctx, message, cause);
        } else if (kind instanceof dev.cloudhop.api.UnsupportedCapabilityException) {
            return new dev.cloudhop.api.UnsupportedCapabilityException(ctx, message, cause);
        }
        return new UnavailableException(ctx, message, cause);
    }

    /** Maps a status and Azure error code to the family. */
    static CloudException byStatus(int status, String code, Throwable cause, ErrorContext context) {
        String c = code == null ? "" : code.toLowerCase(Locale.ROOT);
        String detail = "HTTP " + status + (c.isEmpty() ? "" : " " + code);
        if (status == 429 || THROTTLING_CODES.contains(c) || (status == 503 && c.contains("throttl"))) {
            return new ThrottledException(context, "throttled (" + detail + ")", cause);
        }
        if (status == 401 || status == 403 || AUTH_CODES.contains(c)) {
            return new UnauthorizedException(context, "credentials rejected or not permitted (" + detail + ")", cause);
        }
        if (status == 404 || (c.endsWith("notfound") && status < 500)) {
            return new NotFoundException(context, "does not exist (" + detail + ")", cause);
        }
        if (status == 409 || status == 412) {
            return new ConflictException(context, "conflict or precondition failed (" + detail + ")", cause);
        }
        if (status == 408 || status >= 500 || status == 0) {
            return new UnavailableException(context, "server error or timeout (" + detail + ")", cause);
        }
        return new InvalidRequestException(context, "rejected (" + detail + ")", cause);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static String describe(Throwable t) {
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + firstLine(t.getMessage()));
    }
}
