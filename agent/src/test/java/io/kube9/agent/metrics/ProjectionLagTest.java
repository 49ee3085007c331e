package io.kube9.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProjectionLagTest {
    private final ProjectionInstruments.Lag lag = new ProjectionInstruments.Lag();

    @Test
    void isZeroUntilAnEventIsHandled() {
        assertThat(lag.get()).isZero();
    }

    @Test
    void isTheLagOfTheEventHandledLastWhicheverThreadHandledIt() throws Exception {
        lag.set(1_000, 5_000);
        onAnotherThread(() -> lag.set(2_000, 100));
        assertThat(lag.get()).as("the other thread's event is the latest").isEqualTo(0.1);

        lag.set(3_000, 7_250);
        assertThat(lag.get()).isEqualTo(7.25);

        onAnotherThread(() -> lag.set(3_500, 1));
        assertThat(lag.get()).isEqualTo(0.001);
    }

    @Test
    void aLagThatFallsToZeroIsSeen() {
        lag.set(1_000, 5_000);
        lag.set(1_001, 0);

        assertThat(lag.get()).isZero();
    }

    @Test
    void theSameLagHandledLaterIsStillTheLatest() throws Exception {
        lag.set(1_000, 40);
        onAnotherThread(() -> lag.set(1_500, 900));
        lag.set(2_000, 40); // the lag this thread wrote before, at a later time

        assertThat(lag.get()).isEqualTo(0.04);
    }

    private static void onAnotherThread(Runnable action) throws InterruptedException {
        Thread thread = new Thread(action);
        thread.start();
        thread.join();
    }
}
