package dev.cloudhop.provider.onprem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cloudhop.testing.BindServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The control-channel client against BIND's real rndc channel. */
class RndcClientTest {

    private final BindServer bind = OnPremTestEnvironment.bind();

    private RndcClient client(String secret) {
        return new RndcClient(new InetSocketAddress("127.0.0.1", bind.controlPort()), "hmac-sha256", secret,
                Duration.ofSeconds(5));
    }

    @Test
    void statusAnswersWithTheServersVersion() throws Exception {
        assertThat(client(bind.controlSecret()).call("status")).contains("version: BIND 9").contains("server is up and running");
    }

    @Test
    void aFailingCommandReportsBindsError() {
        assertThatThrownBy(() -> client(bind.controlSecret()).call("delzone no-such-zone.example"))
                .isInstanceOf(RndcClient.CommandException.class).hasMessageContaining("delzone")
                .hasMessageContaining("not found");
    }

    @Test
    void aWrongKeyIsRefusedWithoutAnAuthenticAnswer() {
        String wrong = Base64.getEncoder().encodeToString(new byte[32]);
        assertThatThrownBy(() -> client(wrong).call("status")).isInstanceOf(IOException.class);
    }
}
