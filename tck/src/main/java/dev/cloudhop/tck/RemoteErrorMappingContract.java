package dev.cloudhop.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.cloudhop.api.Cloud;
import dev.cloudhop.api.CloudException;
import dev.cloudhop.api.ConflictException;
import dev.cloudhop.api.InvalidRequestException;
import dev.cloudhop.api.NotFoundException;
import dev.cloudhop.api.ThrottledException;
import dev.cloudhop.api.UnauthorizedException;
import dev.cloudhop.api.UnavailableException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * How a provider that talks HTTP maps transport faults: statuses from a {@link FaultServer}, a refused
 * port and a stalled server. A provider extends it by pointing a site at an endpoint (with short timeouts
 * and few retries) and naming the operations that reach that endpoint.
 *
 * <p>Expected: 401/403 unauthorized; 400 invalid request; 404 not found (for {@link #notFoundOperation});
 * 409 and 412 conflict (for {@link #conflictOperation}); 429 and 503 {@code SlowDown} throttled and
 * retryable; 500/502/503 unavailable and retryable; a refused connection unavailable; a stall unavailable
 * after the provider's timeout, not hanging. Every error names the site.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class RemoteErrorMappingContract {

    /**
     * An operation of the provider that sends at least one request to the endpoint.
     *
     * @param name   for messages
     * @param action the call
     */
    public record RemoteOperation(String name, Consumer<Cloud> action) {
        @Override
        public String toString() {
            return name;
        }
    }

    private FaultServer server;
    private Cloud cloud;

    /**
     * A site of the provider whose every endpoint is {@code endpoint}, with request timeouts of about a
     * second and at most one retry, so that the suite is fast.
     */
    protected abstract Cloud cloudAt(URI endpoint);

    /** Operations that each reach the endpoint (blob put/get/list, queue send, ...). */
    protected abstract List<RemoteOperation> operations();

    /** An operation whose 404 means "does not exist" (e.g. listing a container). */
    protected abstract RemoteOperation notFoundOperation();

    /** An operation whose 409/412 means a conflict (e.g. a conditional put or a create). */
    protected abstract RemoteOperation conflictOperation();

    /**
     * The operations whose error responses carry a body the provider reads (not HEAD requests), for the
     * error-code tests such as S3's {@code 503 SlowDown}; defaults to {@link #operations()}.
     */
    protected List<RemoteOperation> operationsReadingErrorBodies() {
        return operations();
    }

    /** The longest a stalled call may take before failing; the provider's timeout plus its retries. */
    protected Duration stallBound() {
        return Duration.ofSeconds(15);
    }

    @BeforeAll
    final void startServer() {
        server = new FaultServer();
        cloud = cloudAt(server.uri());
    }

    @AfterAll
    final void stopServer() {
        if (cloud != null) {
            cloud.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static String errorBody(String code) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code + "</Code><Message>fault injected by the TCK</Message></Error>";
    }

    private void expect(RemoteOperation op, Class<? extends CloudException> type, boolean retryable) {
        Throwable thrown = catchThrowable(() -> op.action().accept(cloud));
        assertThat(thrown).as(op.name()).isInstanceOf(type);
        CloudException e = (CloudException) thrown;
        assertThat(e.site()).as(op.name()).isEqualTo(cloud.site());
        assertThat(e.retryable()).as(op.name() + " retryable").isEqualTo(retryable);
        assertThat(e.operation()).as(op.name()).isNotBlank();
    }

    @ParameterizedTest(name = "HTTP {0} -> UnauthorizedException")
    @ValueSource(ints = {401, 403})
    void authenticationFailuresAreUnauthorized(int status) {
        server.respond(status, errorBody(status == 401 ? "Unauthorized" : "AccessDenied"));
        operations().forEach(op -> expect(op, UnauthorizedException.class, false));
    }

    @ParameterizedTest(name = "HTTP {0} -> UnavailableException")
    @ValueSource(ints = {500, 502, 503})
    void serverErrorsAreUnavailable(int status) {
        server.respond(status, errorBody("InternalError"));
        operations().forEach(op -> expect(op, UnavailableException.class, true));
    }

    @Test
    void tooManyRequestsIsThrottled() {
        server.respond(429, errorBody("TooManyRequests"));
        operations().forEach(op -> expect(op, ThrottledException.class, true));
    }

    @Test
    void slowDownIsThrottled() {
        server.respond(503, errorBody("SlowDown"));
        operationsReadingErrorBodies().forEach(op -> expect(op, ThrottledException.class, true));
    }

    @Test
    void badRequestIsInvalid() {
        server.respond(400, errorBody("InvalidArgument"));
        operations().forEach(op -> expect(op, InvalidRequestException.class, false));
    }

    @Test
    void notFoundIsNotFound() {
        server.respond(404, errorBody("NoSuchBucket"));
        expect(notFoundOperation(), NotFoundException.class, false);
    }

    @ParameterizedTest(name = "HTTP {0} -> ConflictException")
    @ValueSource(ints = {409, 412})
    void conflictsAreConflicts(int status) {
        server.respond(status, errorBody(status == 409 ? "BucketAlreadyOwnedByYou" : "PreconditionFailed"));
        expect(conflictOperation(), ConflictException.class, false);
    }

    @Test
    void aRefusedConnectionIsUnavailable() {
        try (Cloud refused = cloudAt(FaultServer.refusedEndpoint())) {
            for (RemoteOperation op : operations()) {
                Throwable thrown = catchThrowable(() -> op.action().accept(refused));
                assertThat(thrown).as(op.name()).isInstanceOf(UnavailableException.class);
                assertThat(((CloudException) thrown).retryable()).isTrue();
            }
        }
    }

    @Test
    void aStalledServerIsUnavailableWithinTheTimeout() {
        server.stall(stallBound().plusSeconds(30));
        RemoteOperation op = operations().get(0);
        long start = System.nanoTime();
        Throwable thrown = catchThrowable(() -> op.action().accept(cloud));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(thrown).as(op.name()).isInstanceOf(UnavailableException.class);
        assertThat(took).as("a stalled call must fail after the timeout, not hang").isLessThan(stallBound());
        server.respond(200, "");
    }
}
