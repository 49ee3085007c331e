package io.kube9.it.plugin;

import java.util.ArrayList;
import java.util.List;

/**
 * A tiny event-sourced service loaded by a class loader of its host's making (see
 * {@code LoaderApp}): 300 stored events in batches, 40 recorded events, every stored event
 * projected. Prints its own counts and the loader that defined it.
 */
public final class PluginMain implements Runnable {
    @Override
    public void run() {
        PluginEventStore store = new PluginEventStore();
        PluginEventRecorder recorder = new PluginEventRecorder();
        PluginProjection projection = new PluginProjection();
        for (int i = 0; i < 100; i++) {
            List<PluginEvent> batch = new ArrayList<>();
            for (int j = 0; j < 3; j++) {
                batch.add(new PluginEvent(j == 0 ? "item.listed" : "item.priced", "item-" + i));
            }
            store.append(batch);
            batch.forEach(projection::apply);
            if (i % 5 == 0) {
                recorder.record(new PluginEvent("operator", "item-" + i));
                recorder.record(new PluginEvent("health", "item-" + i));
            }
        }
        System.out.println("plugin loaded by: " + getClass().getClassLoader().getClass().getSimpleName());
        System.out.println("plugin stored: " + store.stored + " recorded: " + recorder.recorded
                + " projected: " + projection.applied);
    }

    public static final class PluginEvent {
        private final String type;
        private final String aggregateId;

        PluginEvent(String type, String aggregateId) {
            this.type = type;
            this.aggregateId = aggregateId;
        }

        public String getType() {
            return type;
        }

        public String getAggregateId() {
            return aggregateId;
        }

        public String getSeverity() {
            return "info";
        }
    }

    static final class PluginEventStore {
        int stored;

        void append(List<PluginEvent> events) {
            stored += events.size();
        }
    }

    static final class PluginEventRecorder {
        int recorded;

        void record(PluginEvent event) {
            recorded++;
        }
    }

    static final class PluginProjection {
        int applied;

        void apply(PluginEvent event) {
            applied++;
        }
    }
}
