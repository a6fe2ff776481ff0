package dev.cloudhop.provider.azure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cloudhop.api.ConflictException;
import dev.cloudhop.api.ErrorContext;
import dev.cloudhop.api.InvalidRequestException;
import dev.cloudhop.api.NotFoundException;
import dev.cloudhop.api.SiteInfo;
import dev.cloudhop.api.ThrottledException;
import dev.cloudhop.api.UnauthorizedException;
import dev.cloudhop.api.UnavailableException;
import java.io.IOException;
import java.net.ConnectException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** The status-and-code table of {@link AzureErrors}. */
class AzureErrorsTest {

    private static final ErrorContext CTX = ErrorContext.of(new SiteInfo("s", "azure", "westeurope"), "queue.send", "orders");

    @Test
    void azureErrorCodesDecideBeforeStatuses() {
        assertThat(AzureErrors.byStatus(503, "ServerBusy", null, CTX)).isInstanceOf(ThrottledException.class);
        assertThat(AzureErrors.byStatus(500, "OperationTimedOut", null, CTX)).isInstanceOf(UnavailableException.class);
        assertThat(AzureErrors.byStatus(403, "AuthenticationFailed", null, CTX)).isInstanceOf(UnauthorizedException.class);
        assertThat(AzureErrors.byStatus(403, "AuthorizationPermissionMismatch", null, CTX)).isInstanceOf(UnauthorizedException.class);
        assertThat(AzureErrors.byStatus(404, "QueueNotFound", null, CTX)).isInstanceOf(NotFoundException.class);
        assertThat(AzureErrors.byStatus(404, "ContainerNotFound", null, CTX)).isInstanceOf(NotFoundException.class);
        assertThat(AzureErrors.byStatus(404, "ResourceNotFound", null, CTX)).isInstanceOf(NotFoundException.class);
        assertThat(AzureErrors.byStatus(404, "ResourceGroupNotFound", null, CTX)).isInstanceOf(NotFoundException.class);
        assertThat(AzureErrors.byStatus(409, "QueueBeingDeleted", null, CTX)).isInstanceOf(ConflictException.class);
        assertThat(AzureErrors.byStatus(412, "ConditionNotMet", null, CTX)).isInstanceOf(ConflictException.class);
        assertThat(AzureErrors.byStatus(429, "SubscriptionRequestsThrottled", null, CTX)).isInstanceOf(ThrottledException.class);
        assertThat(AzureErrors.byStatus(400, "InvalidHeaderValue", null, CTX)).isInstanceOf(InvalidRequestException.class);
        assertThat(AzureErrors.byStatus(413, "RequestBodyTooLarge", null, CTX)).isInstanceOf(InvalidRequestException.class);
        assertThat(AzureErrors.byStatus(408, "", null, CTX)).isInstanceOf(UnavailableException.class);
        assertThat(AzureErrors.byStatus(502, "", null, CTX)).isInstanceOf(UnavailableException.class);
    }

    @Test
    void transportFailuresAnywhereInTheCauseChainAreUnavailable() {
        assertThat(AzureErrors.translate(new RuntimeException(new ConnectException("refused")), CTX))
                .isInstanceOf(UnavailableException.class).hasMessageContaining("cannot connect");
        assertThat(AzureErrors.translate(new RuntimeException(new TimeoutException("slow")), CTX))
                .isInstanceOf(UnavailableException.class).hasMessageContaining("timed out");
        assertThat(AzureErrors.translate(new java.io.UncheckedIOException(new IOException("reset")), CTX))
                .isInstanceOf(UnavailableException.class);
    }

    @Test
    void messagesNameTheSiteOperationAndTarget() {
        assertThat(AzureErrors.byStatus(404, "QueueNotFound", null, CTX).getMessage())
                .contains("queue.send").contains("orders").contains("s (azure, westeurope)").contains("QueueNotFound");
    }
}
