package io.kube9.sample.load;

import io.kube9.sample.ops.OperationalEvent;
import io.kube9.sample.ops.Severity;
import io.kube9.sample.order.LineItem;
import io.kube9.sample.order.OrderEventTypes;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Generates a deterministic mix of commands from a seed: the same count and seed always give the
 * same list, and every command in it is valid for the order's state at that point, so running it
 * produces the same events whatever the threads' interleaving.
 *
 * <p>Each step is an operational event (about 12%), a new order (about 22%, while fewer than
 * {@value #MAX_OPEN_ORDERS} are open) or the next step of a random open order. About 2% of
 * payments are poison payments.
 */
public final class LoadGenerator {

    static final int MAX_OPEN_ORDERS = 40;
    private static final double OPERATIONAL_EVENT_SHARE = 0.12;
    private static final double NEW_ORDER_SHARE = 0.22;
    private static final double POISON_PAYMENT_SHARE = 0.02;

    private static final List<String> CUSTOMERS = List.of("ada", "grace", "linus", "margaret", "ken", "barbara");
    private static final List<String> CARRIERS = List.of("dhl", "ups", "fedex", "post");
    private static final List<String> CANCEL_REASONS = List.of("customer request", "out of stock", "fraud suspected");
    private static final List<LineItem> CATALOG = List.of(
            new LineItem("SKU-KEYBOARD", 1, 4_999),
            new LineItem("SKU-MOUSE", 1, 1_999),
            new LineItem("SKU-MONITOR", 1, 18_900),
            new LineItem("SKU-CABLE", 1, 599),
            new LineItem("SKU-DOCK", 1, 12_450),
            new LineItem("SKU-HEADSET", 1, 7_900));

    /** What the generator knows about an order it has created and not yet finished. */
    private static final class OpenOrder {
        final int index;
        boolean paid;
        int itemCount;
        long totalCents;

        OpenOrder(int index) {
            this.index = index;
        }
    }

    private final Random random;
    private final List<OpenOrder> openOrders = new ArrayList<>();
    private final List<LoadCommand> commands = new ArrayList<>();
    private int nextOrderIndex;

    private LoadGenerator(long seed) {
        this.random = new Random(seed);
    }

    public static List<LoadCommand> generate(int count, long seed) {
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative, got " + count);
        }
        LoadGenerator generator = new LoadGenerator(seed);
        for (int sequence = 0; sequence < count; sequence++) {
            generator.nextCommand(sequence);
        }
        return List.copyOf(generator.commands);
    }

    private void nextCommand(int sequence) {
        double roll = random.nextDouble();
        if (roll < OPERATIONAL_EVENT_SHARE) {
            operationalEvent(sequence);
        } else if (openOrders.isEmpty()
                || (roll < OPERATIONAL_EVENT_SHARE + NEW_ORDER_SHARE && openOrders.size() < MAX_OPEN_ORDERS)) {
            createOrder();
        } else {
            advance(openOrders.get(random.nextInt(openOrders.size())));
        }
    }

    private void operationalEvent(int sequence) {
        String type = pick(OperationalEvent.TYPES);
        Severity severity = Severity.values()[random.nextInt(Severity.values().length)];
        commands.add(new LoadCommand.RecordOperationalEvent(sequence, type, severity,
                "synthetic " + type + " event #" + sequence));
    }

    private void createOrder() {
        OpenOrder order = new OpenOrder(nextOrderIndex++);
        openOrders.add(order);
        // Most orders start with an item, which makes creation a two-event batch.
        LineItem firstItem = random.nextDouble() < 0.8 ? randomItem() : null;
        if (firstItem != null) {
            addToTotal(order, firstItem);
        }
        commands.add(new LoadCommand.CreateOrder(order.index, pick(CUSTOMERS), firstItem));
    }

    private void advance(OpenOrder order) {
        double roll = random.nextDouble();
        if (order.paid) {
            if (roll < 0.85) {
                commands.add(new LoadCommand.Ship(order.index, pick(CARRIERS)));
            } else {
                commands.add(new LoadCommand.Cancel(order.index, pick(CANCEL_REASONS)));
            }
            openOrders.remove(order);
        } else if (order.itemCount == 0 || roll < 0.35) {
            LineItem item = randomItem();
            addToTotal(order, item);
            commands.add(new LoadCommand.AddItem(order.index, item));
        } else if (roll < 0.85) {
            boolean poison = random.nextDouble() < POISON_PAYMENT_SHARE;
            commands.add(new LoadCommand.Pay(order.index,
                    poison ? OrderEventTypes.POISON_PAYMENT_AMOUNT : order.totalCents));
            order.paid = true;
        } else {
            commands.add(new LoadCommand.Cancel(order.index, pick(CANCEL_REASONS)));
            openOrders.remove(order);
        }
    }

    private LineItem randomItem() {
        LineItem product = pick(CATALOG);
        return new LineItem(product.sku(), 1 + random.nextInt(3), product.unitPriceCents());
    }

    private void addToTotal(OpenOrder order, LineItem item) {
        order.itemCount++;
        order.totalCents += item.quantity() * item.unitPriceCents();
    }

    private <T> T pick(List<T> choices) {
        return choices.get(random.nextInt(choices.size()));
    }
}
