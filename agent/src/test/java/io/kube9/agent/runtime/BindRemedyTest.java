package io.kube9.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class BindRemedyTest {
    @Test
    void aBusyPortPointsAtThePort() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String reason = bindFails("127.0.0.1", taken.getLocalPort());

            assertThat(AgentRuntime.bindRemedy(reason, taken.getLocalPort(), "from agent argument", "its default"))
                    .isEqualTo(": set kube9.exporter.port (from agent argument) to a free port, or 0 for any free port");
        }
    }

    @Test
    void aHostThatIsNotThisMachinesPointsAtTheHost() throws Exception {
        String reason = bindFails("192.0.2.1", 0); // TEST-NET-1: documentation only, never a local address

        assertThat(AgentRuntime.bindRemedy(reason, 0, "its default", "from file /etc/kube9.properties"))
                .isEqualTo(": set kube9.exporter.host (from file /etc/kube9.properties) to an address of this machine,"
                        + " or 0.0.0.0 for all of them");
    }

    @Test
    void aPrivilegedPortRefusedPointsAtPrivilegesOnlyBelow1024() {
        assertThat(AgentRuntime.bindRemedy("Permission denied", 80, "from agent argument", "its default"))
                .isEqualTo(": ports below 1024 need privileges this process does not have; set kube9.exporter.port"
                        + " (from agent argument) to 1024 or above");
        assertThat(AgentRuntime.bindRemedy("Permission denied", 9469, "its default", "its default"))
                .contains("to a free port");
        assertThat(AgentRuntime.bindRemedy(null, 9469, "its default", "its default")).contains("to a free port");
    }

    private static String bindFails(String host, int port) throws Exception {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(host), port));
        } catch (BindException e) {
            return e.getMessage();
        }
        throw new AssertionError("bound " + host + ":" + port);
    }
}
