package io.kube9.sample.order;

/** A product line: {@code quantity} units of {@code sku} at {@code unitPriceCents} each. */
public record LineItem(String sku, int quantity, long unitPriceCents) {

    public LineItem {
        if (sku == null || sku.isBlank()) {
            throw new IllegalArgumentException("sku must not be blank");
        }
        if (quantity <= 0) {
            throw new IllegalArgumentException("quantity must be positive, got " + quantity);
        }
        if (unitPriceCents < 0) {
            throw new IllegalArgumentException("unitPrice must not be negative, got " + unitPriceCents);
        }
    }
}
