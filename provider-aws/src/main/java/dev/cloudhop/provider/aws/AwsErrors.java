package dev.cloudhop.provider.aws;

import dev.cloudhop.api.CloudException;
import dev.cloudhop.api.ConflictException;
import dev.cloudhop.api.ErrorContext;
import dev.cloudhop.api.InvalidRequestException;
import dev.cloudhop.api.NotFoundException;
import dev.cloudhop.api.ThrottledException;
import dev.cloudhop.api.UnauthorizedException;
import dev.cloudhop.api.UnavailableException;
import dev.cloudhop.jclouds.JcloudsErrors;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Translates AWS SDK v2 exceptions (and, through {@link JcloudsErrors}, jclouds ones) into exactly one
 * {@link CloudException}.
 *
 * <p>Service errors map by error code first, then by HTTP status: throttling codes, 429 and 503 SlowDown
 * are {@link ThrottledException}; other 5xx {@link UnavailableException}; 401/403 and credential codes
 * {@link UnauthorizedException}; 404 and the services' not-found codes {@link NotFoundException}; 409/412
 * and precondition codes {@link ConflictException}; other 4xx {@link InvalidRequestException}. Client
 * errors (refused connections, timeouts, I/O) are {@link UnavailableException}, except missing
 * credentials ({@link UnauthorizedException}).
 */
final class AwsErrors {

    private static final Set<String> THROTTLING = Set.of("throttling", "throttlingexception", "throttled",
            "requestlimitexceeded", "slowdown", "toomanyrequestsexception", "requestthrottled",
            "requestthrottledexception", "provisionedthroughputexceededexception", "priorrequestnotcomplete",
            "bandwidthlimitexceeded", "ec2throttledexception", "transactioninprogressexception",
            "aws.simplequeueservice.requestthrottled", "serverbusy");
    private static final Set<String> UNAUTHORIZED = Set.of("accessdenied", "accessdeniedexception",
            "invalidclienttokenid", "signaturedoesnotmatch", "unrecognizedclientexception", "expiredtoken",
            "expiredtokenexception", "invalidaccesskeyid", "authfailure", "unauthorizedoperation",
            "missingauthenticationtoken", "invalidsecurity", "incompletesignature", "optinrequired");
    private static final Set<String> NOT_FOUND = Set.of("queuedoesnotexist", "aws.simplequeueservice.nonexistentqueue",
            "nosuchhostedzone", "nosuchbucket", "nosuchkey", "notfound", "nosuchhealthcheck",
            "invalidinstanceid.notfound", "invalidami.notfound", "invalidgroup.notfound", "resourcenotfoundexception");
    private static final Set<String> CONFLICT = Set.of("preconditionfailed", "conditionalrequestconflict",
            "hostedzonenotempty", "queuealreadyexists", "queuenameexists", "hostedzonealreadyexists",
            "conflictingdomainexists", "healthcheckinuse", "invalidchangebatch.conflict");

    private AwsErrors() {
    }

    /** Runs {@code action}, translating whatever it throws. */
    static <T> T call(ErrorContext ctx, Supplier<T> action) {
        try {
            return action.get();
        } catch (RuntimeException e) {
            throw translate(e, ctx);
        }
    }

    /** Runs {@code action}, translating whatever it throws. */
    static void run(ErrorContext ctx, Runnable action) {
        call(ctx, () -> {
            action.run();
            return null;
        });
    }

    /** Translates {@code failure}, raised while performing the operation of {@code ctx}. */
    static CloudException translate(Throwable failure, ErrorContext ctx) {
        if (failure instanceof CloudException ce) {
            return ce;
        }
        if (failure instanceof AwsServiceException service) {
            return service(service, ctx);
        }
        if (failure instanceof SdkClientException || failure instanceof SdkException) {
            return client((SdkException) failure, ctx);
        }
        // jclouds (S3 blobs) and anything else: the bridge's rules
        return JcloudsErrors.translate(failure, ctx);
    }

    /** The error code of a service exception, lower case; empty when there is none. */
    static String code(AwsServiceException e) {
        AwsErrorDetails details = e.awsErrorDetails();
        String code = details == null ? null : details.errorCode();
        return code == null ? "" : code.toLowerCase(Locale.ROOT);
    }

    private static CloudException service(AwsServiceException e, ErrorContext ctx) {
        int status = e.statusCode();
        String code = code(e);
        String detail = describe(e);
        if (THROTTLING.contains(code) || status == 429 || e.isThrottlingException()
                || (status == 503 && rawBodyMentions(e, "slowdown", "throttl"))) {
            return new ThrottledException(ctx, "throttled (" + detail + ")", e);
        }
        if (status >= 500) {
            return new UnavailableException(ctx, "server error (" + detail + ")", e);
        }
        if (UNAUTHORIZED.contains(code) || status == 401 || status == 403) {
            return new UnauthorizedException(ctx, "credentials rejected or not permitted (" + detail + ")", e);
        }
        if (NOT_FOUND.contains(code) || code.endsWith(".notfound") || status == 404) {
            return new NotFoundException(ctx, "does not exist (" + detail + ")", e);
        }
        if (CONFLICT.contains(code) || status == 409 || status == 412) {
            return new ConflictException(ctx, "conflict (" + detail + ")", e);
        }
        if (status == 408) {
            return new UnavailableException(ctx, "request timed out (" + detail + ")", e);
        }
        return new InvalidRequestException(ctx, "rejected (" + detail + ")", e);
    }

    private static boolean rawBodyMentions(AwsServiceException e, String... words) {
        AwsErrorDetails details = e.awsErrorDetails();
        if (details == null || details.rawResponse() == null) {
            return false;
        }
        String body = details.rawResponse().asString(StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
        for (String w : words) {
            if (body.contains(w)) {
                return true;
            }
        }
        return false;
    }

    private static CloudException client(SdkException e, ErrorContext ctx) {
        if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException) {
            return new UnavailableException(ctx, "timed out: " + e.getMessage(), e);
        }
        for (Throwable t = e.getCause(); t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectException || t instanceof NoRouteToHostException || t instanceof UnknownHostException) {
                return new UnavailableException(ctx, "cannot connect: " + t.getClass().getSimpleName()
                        + (t.getMessage() == null ? "" : " " + t.getMessage()), e);
            }
            if (t instanceof SocketTimeoutException || t instanceof InterruptedIOException) {
                return new UnavailableException(ctx, "timed out: " + t.getClass().getSimpleName(), e);
            }
            if (t instanceof IOException) {
                return new UnavailableException(ctx, "I/O failure: " + t.getClass().getSimpleName()
                        + (t.getMessage() == null ? "" : " " + t.getMessage()), e);
            }
        }
        String message = e.getMessage() == null ? "" : e.getMessage();
        if (message.toLowerCase(Locale.ROOT).contains("credentials")) {
            return new UnauthorizedException(ctx, "no usable AWS credentials: " + message, e);
        }
        return new UnavailableException(ctx, "client failure: " + message, e);
    }

    private static String describe(AwsServiceException e) {
        AwsErrorDetails details = e.awsErrorDetails();
        String code = details == null || details.errorCode() == null ? "" : details.errorCode() + ": ";
        String message = details == null || details.errorMessage() == null ? "" : details.errorMessage();
        if (message.length() > 300) {
            message = message.substring(0, 300) + "...";
        }
        return "HTTP " + e.statusCode() + " " + code + message;
    }
}
