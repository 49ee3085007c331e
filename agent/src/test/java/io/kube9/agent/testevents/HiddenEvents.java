package io.kube9.agent.testevents;

/**
 * Events whose classes the agent's packages cannot see: package-private or anonymous classes in
 * another package, with public accessor methods, as an application often has them.
 */
public final class HiddenEvents {
    private HiddenEvents() {}

    /** Public accessors on a package-private class. */
    public static Object packagePrivate() {
        return new PackagePrivateEvent();
    }

    /** An anonymous class implementing a public interface. */
    public static Object anonymous() {
        return new Named() {
            @Override
            public String getEventType() {
                return "anonymous.named";
            }
        };
    }

    /** A private class whose public getter is inherited from a package-private superclass. */
    public static Object inherited() {
        return new Inheriting();
    }

    public interface Named {
        String getEventType();
    }

    static class Base {
        public String getAggregateId() {
            return "base-aggregate";
        }
    }

    private static final class Inheriting extends Base {}
}

final class PackagePrivateEvent {
    public String getEventType() {
        return "hidden.happened";
    }

    public String severity() {
        return "debug";
    }

    public String id() {
        return "h-1";
    }

    public long timestamp = 1_714_558_530_123L;
}
