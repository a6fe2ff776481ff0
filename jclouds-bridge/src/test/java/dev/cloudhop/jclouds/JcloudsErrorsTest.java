package dev.cloudhop.jclouds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cloudhop.api.ErrorContext;
import dev.cloudhop.api.InvalidRequestException;
import dev.cloudhop.api.NotFoundException;
import dev.cloudhop.api.SiteInfo;
import dev.cloudhop.api.UnauthorizedException;
import dev.cloudhop.api.UnavailableException;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import org.jclouds.blobstore.ContainerNotFoundException;
import org.jclouds.rest.AuthorizationException;
import org.junit.jupiter.api.Test;

class JcloudsErrorsTest {

    private final ErrorContext ctx = ErrorContext.of(new SiteInfo("s", "p", "r"), "blob.get", "c/k");

    @Test
    void causesAreFoundThroughWrappers() {
        RuntimeException wrapped = new RuntimeException(new IllegalStateException(new ConnectException("refused")));
        assertThat(JcloudsErrors.translate(wrapped, ctx)).isInstanceOf(UnavailableException.class)
                .hasMessageContaining("cannot connect").hasMessageContaining("on site s");
        assertThat(JcloudsErrors.translate(new RuntimeException(new SocketTimeoutException("read")), ctx))
                .isInstanceOf(UnavailableException.class).hasMessageContaining("timed out");
    }

    @Test
    void jcloudsExceptionsMapToTheirMeaning() {
        assertThat(JcloudsErrors.translate(new ContainerNotFoundException("c", "gone"), ctx)).isInstanceOf(NotFoundException.class);
        assertThat(JcloudsErrors.translate(new AuthorizationException("no"), ctx)).isInstanceOf(UnauthorizedException.class);
        assertThat(JcloudsErrors.translate(new IllegalArgumentException("bad name"), ctx)).isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void unknownFailuresKeepTheirCause() {
        IllegalStateException odd = new IllegalStateException("odd");
        assertThat(JcloudsErrors.translate(odd, ctx)).isInstanceOf(UnavailableException.class).hasCause(odd);
    }

    @Test
    void aShortStreamIsRefused() {
        InputStream in = new ExactLengthInputStream(new ByteArrayInputStream(new byte[5]), 10, "c/k");
        assertThatThrownBy(in::readAllBytes).isInstanceOf(LengthMismatchException.class)
                .hasMessageContaining("ended after 5 of its declared 10 bytes");
    }

    @Test
    void aLongStreamIsRefused() {
        InputStream in = new ExactLengthInputStream(new ByteArrayInputStream(new byte[11]), 10, "c/k");
        assertThatThrownBy(in::readAllBytes).isInstanceOf(LengthMismatchException.class)
                .hasMessageContaining("longer than its declared length of 10 bytes");
    }

    @Test
    void anExactStreamPasses() throws Exception {
        InputStream in = new ExactLengthInputStream(new ByteArrayInputStream(new byte[10]), 10, "c/k");
        assertThat(in.readAllBytes()).hasSize(10);
    }
}
