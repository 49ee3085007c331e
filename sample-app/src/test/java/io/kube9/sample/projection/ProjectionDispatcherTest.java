package io.kube9.sample.projection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kube9.sample.store.StoredEvent;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProjectionDispatcherTest {

    private final OrderSummaryProjection summaries = new OrderSummaryProjection();
    private final RevenueProjector revenue = new RevenueProjector();

    private ProjectionDispatcher dispatcher(Duration revenueDelay) {
        return new ProjectionDispatcher(List.of(
                new ProjectionDispatcher.Subscription("OrderSummaryProjection", summaries::handle),
                new ProjectionDispatcher.Subscription("RevenueProjector", revenue::project, revenueDelay)));
    }

    @Test
    void poisonPaymentsFailOnlyTheRevenueProjectionAndDispatchingGoesOn() throws InterruptedException {
        try (ProjectionDispatcher dispatcher = dispatcher(Duration.ZERO)) {
            dispatcher.enqueue(List.of(
                    StoredEvent.now("o1", "order.created", "{\"customer\":\"ada\"}"),
                    StoredEvent.now("o1", "order.item_added", "{\"sku\":\"s\",\"quantity\":2,\"unitPrice\":150}"),
                    StoredEvent.now("o1", "order.paid", "{\"amount\":-1,\"currency\":\"EUR\"}")));
            dispatcher.enqueue(List.of(
                    StoredEvent.now("o2", "order.created", "{\"customer\":\"ken\"}"),
                    StoredEvent.now("o2", "order.item_added", "{\"sku\":\"s\",\"quantity\":1,\"unitPrice\":700}"),
                    StoredEvent.now("o2", "order.paid", "{\"amount\":700,\"currency\":\"EUR\"}"),
                    StoredEvent.now("o2", "order.shipped", "{\"carrier\":\"dhl\"}")));

            assertTrue(dispatcher.awaitIdle(Duration.ofSeconds(5)));

            assertEquals(Map.of("OrderSummaryProjection", 7L, "RevenueProjector", 6L), dispatcher.updateCounts());
            assertEquals(Map.of("OrderSummaryProjection", 0L, "RevenueProjector", 1L), dispatcher.errorCounts());
            assertEquals(700, revenue.revenueCents());
            assertEquals(1, revenue.paymentCount());
            assertEquals(Optional.of(new OrderSummary("o2", "shipped", 1, 700, 700)), summaries.find("o2"));
            assertEquals(Optional.of(new OrderSummary("o1", "paid", 1, 300, -1)), summaries.find("o1"));
        }
    }

    @Test
    void revenueDelayMakesTheProjectionLagBehind() throws InterruptedException {
        try (ProjectionDispatcher dispatcher = dispatcher(Duration.ofMillis(100))) {
            dispatcher.enqueue(List.of(
                    StoredEvent.now("o1", "order.created", "{}"),
                    StoredEvent.now("o1", "order.cancelled", "{}")));

            assertFalse(dispatcher.awaitIdle(Duration.ofMillis(50)));
            assertTrue(dispatcher.awaitIdle(Duration.ofSeconds(5)));
            assertEquals(Map.of("OrderSummaryProjection", 2L, "RevenueProjector", 2L), dispatcher.updateCounts());
        }
    }

    @Test
    void aProjectionErrorDoesNotStopOtherProjectionsFromSeeingTheEvent() throws InterruptedException {
        try (ProjectionDispatcher dispatcher = new ProjectionDispatcher(List.of(
                new ProjectionDispatcher.Subscription("Broken", event -> {
                    throw new IllegalStateException("always");
                }),
                new ProjectionDispatcher.Subscription("OrderSummaryProjection", summaries::handle)))) {
            dispatcher.enqueue(List.of(StoredEvent.now("o1", "order.created", "{}")));

            assertTrue(dispatcher.awaitIdle(Duration.ofSeconds(5)));
            assertEquals(Map.of("Broken", 1L, "OrderSummaryProjection", 0L), dispatcher.errorCounts());
            assertEquals("created", summaries.find("o1").orElseThrow().status());
        }
    }
}
