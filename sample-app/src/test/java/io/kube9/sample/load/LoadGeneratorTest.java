package io.kube9.sample.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kube9.sample.ops.OperationalEvent;
import io.kube9.sample.ops.Severity;
import io.kube9.sample.order.OrderEventTypes;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LoadGeneratorTest {

    @Test
    void sameSeedGivesTheSameLoad() {
        assertEquals(LoadGenerator.generate(500, 7), LoadGenerator.generate(500, 7));
        assertNotEquals(LoadGenerator.generate(500, 7), LoadGenerator.generate(500, 8));
    }

    @Test
    void generatesExactlyTheRequestedNumberOfCommands() {
        assertEquals(0, LoadGenerator.generate(0, 1).size());
        assertEquals(1234, LoadGenerator.generate(1234, 1).size());
    }

    @Test
    void aDefaultSizedLoadCoversEveryKindOfEvent() {
        List<LoadCommand> load = LoadGenerator.generate(2000, 42);

        Set<String> storeEventTypes = new HashSet<>();
        Set<String> operationalTypes = new HashSet<>();
        Set<Severity> severities = EnumSet.noneOf(Severity.class);
        long payments = 0;
        long poisonPayments = 0;
        for (LoadCommand command : load) {
            if (command instanceof LoadCommand.CreateOrder) {
                storeEventTypes.add(OrderEventTypes.CREATED);
            } else if (command instanceof LoadCommand.AddItem) {
                storeEventTypes.add(OrderEventTypes.ITEM_ADDED);
            } else if (command instanceof LoadCommand.Pay pay) {
                storeEventTypes.add(OrderEventTypes.PAID);
                payments++;
                if (pay.amountCents() == OrderEventTypes.POISON_PAYMENT_AMOUNT) {
                    poisonPayments++;
                }
            } else if (command instanceof LoadCommand.Ship) {
                storeEventTypes.add(OrderEventTypes.SHIPPED);
            } else if (command instanceof LoadCommand.Cancel) {
                storeEventTypes.add(OrderEventTypes.CANCELLED);
            } else if (command instanceof LoadCommand.RecordOperationalEvent event) {
                operationalTypes.add(event.eventType());
                severities.add(event.severity());
            }
        }

        assertEquals(Set.copyOf(OrderEventTypes.ALL), storeEventTypes);
        assertEquals(Set.copyOf(OperationalEvent.TYPES), operationalTypes);
        assertEquals(EnumSet.allOf(Severity.class), severities);
        assertTrue(poisonPayments > 0 && poisonPayments < payments / 10,
                poisonPayments + " poison payments out of " + payments);
    }

    /** Running the load must never hit a rejected command, or counts would depend on luck. */
    @Test
    void everyCommandIsValidForItsOrderAtThatPoint() {
        Map<Integer, String> states = new HashMap<>();
        Map<Integer, Integer> itemCounts = new HashMap<>();
        for (LoadCommand command : LoadGenerator.generate(3000, 3)) {
            if (command instanceof LoadCommand.CreateOrder create) {
                assertNull(states.put(create.orderIndex(), "created"));
                itemCounts.put(create.orderIndex(), create.firstItemOrNull() == null ? 0 : 1);
            } else if (command instanceof LoadCommand.AddItem add) {
                assertEquals("created", states.get(add.orderIndex()));
                itemCounts.merge(add.orderIndex(), 1, Integer::sum);
            } else if (command instanceof LoadCommand.Pay pay) {
                assertEquals("created", states.put(pay.orderIndex(), "paid"));
                assertTrue(itemCounts.get(pay.orderIndex()) > 0);
            } else if (command instanceof LoadCommand.Ship ship) {
                assertEquals("paid", states.put(ship.orderIndex(), "shipped"));
            } else if (command instanceof LoadCommand.Cancel cancel) {
                String before = states.put(cancel.orderIndex(), "cancelled");
                assertTrue(before.equals("created") || before.equals("paid"), before);
            }
        }
    }
}
