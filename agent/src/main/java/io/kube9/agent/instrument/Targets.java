package io.kube9.agent.instrument;

import io.kube9.agent.capture.AccessorNames;
import io.kube9.agent.config.AgentConfig;
import io.kube9.agent.config.Keys;
import java.util.ArrayList;
import java.util.List;

/** The targets of a configuration: the three conventional sites plus a preset's. */
public final class Targets {
    private final List<Target> all;

    private Targets(List<Target> all) {
        this.all = List.copyOf(all);
    }

    public static Targets from(AgentConfig config) {
        AccessorNames accessors = AccessorNames.from(config);
        List<Target> targets = new ArrayList<>();
        targets.add(new Target(Site.RECORDER, config.get(Keys.RECORDER_TYPES), config.get(Keys.RECORDER_METHODS),
                accessors.forSite(config, Keys.RECORDER_ACCESSORS), null));
        targets.add(new Target(Site.STORE, config.get(Keys.STORE_TYPES), config.get(Keys.STORE_METHODS),
                accessors.forSite(config, Keys.STORE_ACCESSORS), null));
        targets.add(new Target(Site.PROJECTION, config.get(Keys.PROJECTION_TYPES),
                config.get(Keys.PROJECTION_METHODS), accessors.forSite(config, Keys.PROJECTION_ACCESSORS),
                config.get(Keys.PROJECTION_LABEL)));
        if (config.get(Keys.PRESET) == Keys.Preset.AXON) {
            targets.addAll(axon(config, accessors));
        }
        return new Targets(targets);
    }

    /**
     * Axon Framework: the storage engine's {@code appendEvents} is a store site whatever {@code
     * kube9.store.types} says (the conventions name {@code *EventStorageEngine} too). Axon's
     * messages are read by their own names anywhere ({@code AccessorNames#forEventClass}).
     *
     * <p>Its event handlers are left to the projection conventions, which count each handler
     * class by its own name (and its errors). Axon's own path to them is no place to count:
     * every processor's invokers are one {@code MultiEventHandlerInvoker} (one label for all),
     * whose handlers' exceptions its error handler swallows (counted as updates), and each handler
     * adapter is called for every event of its processor, handled or not.
     */
    private static List<Target> axon(AgentConfig config, AccessorNames conventions) {
        return List.of(new Target(Site.STORE, List.of("org.axonframework.eventsourcing.eventstore.EventStorageEngine"),
                List.of("appendEvents"), conventions.forSite(config, Keys.STORE_ACCESSORS), null));
    }

    /** Exactly these targets, in this order (tests). */
    static Targets of(List<Target> targets) {
        return new Targets(targets);
    }

    public List<Target> all() {
        return all;
    }

    public Target get(int index) {
        return all.get(index);
    }
}
