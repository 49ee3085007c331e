package io.kube9.sample.load;

import io.kube9.sample.ops.Severity;
import io.kube9.sample.order.LineItem;

/**
 * One step of a generated load. Orders are referred to by their index in the load (the service
 * assigns the real ids when the load runs), so a generated load is a pure value that can be compared.
 */
public sealed interface LoadCommand {

    /**
     * Commands with the same lane run on the same thread in load order: all commands of one order
     * share a lane, so an order's commands never overtake each other.
     */
    int lane(int laneCount);

    record CreateOrder(int orderIndex, String customer, LineItem firstItemOrNull) implements LoadCommand {
        @Override
        public int lane(int laneCount) {
            return orderIndex % laneCount;
        }
    }

    record AddItem(int orderIndex, LineItem item) implements LoadCommand {
        @Override
        public int lane(int laneCount) {
            return orderIndex % laneCount;
        }
    }

    /** @param amountCents the order total, or -1 for a poison payment */
    record Pay(int orderIndex, long amountCents) implements LoadCommand {
        @Override
        public int lane(int laneCount) {
            return orderIndex % laneCount;
        }
    }

    record Ship(int orderIndex, String carrier) implements LoadCommand {
        @Override
        public int lane(int laneCount) {
            return orderIndex % laneCount;
        }
    }

    record Cancel(int orderIndex, String reason) implements LoadCommand {
        @Override
        public int lane(int laneCount) {
            return orderIndex % laneCount;
        }
    }

    /** @param sequence the command's position in the load, which spreads these over all lanes */
    record RecordOperationalEvent(int sequence, String eventType, Severity severity, String message)
            implements LoadCommand {
        @Override
        public int lane(int laneCount) {
            return sequence % laneCount;
        }
    }
}
