package io.kube9.sample;

import io.kube9.sample.http.HttpApi;
import io.kube9.sample.load.LoadGenerator;
import io.kube9.sample.load.LoadRunner;
import io.kube9.sample.ops.OperationalEventRecorder;
import io.kube9.sample.order.OrderService;
import io.kube9.sample.projection.OrderSummaryProjection;
import io.kube9.sample.projection.ProjectionDispatcher;
import io.kube9.sample.projection.ProjectionDispatcher.Subscription;
import io.kube9.sample.projection.RevenueProjector;
import io.kube9.sample.store.SqliteEventStore;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/** The wired-up service: store, projections, command side and HTTP API, closed together. */
public final class Application implements AutoCloseable {

    private static final int RECENT_OPERATIONAL_EVENTS = 200;

    private final AppOptions options;
    private final ProjectionDispatcher dispatcher;
    private final SqliteEventStore store;
    private final OperationalEventRecorder recorder;
    private final OrderService orderService;
    private final OrderSummaryProjection orderSummaries;
    private final RevenueProjector revenue;
    private final HttpApi httpApi;
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile boolean closing;

    private Application(AppOptions options) throws IOException {
        this.options = options;
        orderSummaries = new OrderSummaryProjection();
        revenue = new RevenueProjector();
        dispatcher = new ProjectionDispatcher(List.of(
                new Subscription(OrderSummaryProjection.class.getSimpleName(), orderSummaries::handle),
                new Subscription(RevenueProjector.class.getSimpleName(), revenue::project,
                        Duration.ofMillis(options.projectionDelayMillis()))));
        SqliteEventStore openedStore = null;
        try {
            openedStore = new SqliteEventStore(options.store(), dispatcher::enqueue);
            recorder = new OperationalEventRecorder(RECENT_OPERATIONAL_EVENTS);
            orderService = new OrderService(openedStore, recorder);
            httpApi = HttpApi.start(options.port(), orderService, orderSummaries, recorder);
        } catch (IOException | RuntimeException e) {
            if (openedStore != null) {
                openedStore.close();
            }
            dispatcher.close();
            throw e;
        }
        store = openedStore;
    }

    /** Opens the store and starts serving HTTP. */
    public static Application start(AppOptions options) throws IOException {
        return new Application(options);
    }

    public int httpPort() {
        return httpApi.port();
    }

    /**
     * Generates and runs the load the options ask for, waits until the projections have caught up
     * with every appended event, and returns the counts summary.
     */
    public String runLoad(int commandCount) throws InterruptedException {
        new LoadRunner(orderService, recorder, options.threads(), options.rate())
                .run(LoadGenerator.generate(commandCount, options.seed()));
        awaitProjectionsCaughtUp();
        return countsReport();
    }

    /** Waits until the projections have handled every event appended so far. */
    public void awaitProjectionsCaughtUp() throws InterruptedException {
        dispatcher.awaitIdle();
    }

    /** The counts summary as of now. */
    public String countsReport() {
        return CountsReport.render(store, recorder, dispatcher);
    }

    /** True once {@link #close()} has started, e.g. because the process is being terminated. */
    public boolean isClosing() {
        return closing;
    }

    /** Blocks until {@link #close()} has run, e.g. from the shutdown hook on SIGTERM. */
    public void awaitClosed() throws InterruptedException {
        closed.await();
    }

    /**
     * Stops HTTP first so that no new commands arrive, then the store, then lets the projections
     * drain. Safe to call more than once and from a shutdown hook.
     */
    @Override
    public synchronized void close() {
        if (closing) {
            return;
        }
        closing = true;
        try {
            httpApi.close();
            store.close();
            dispatcher.close();
        } finally {
            closed.countDown();
        }
    }
}
