/** A service run as a module (java -m): the boot layer holds only what it requires. */
module com.acme.orders {
    exports com.acme.orders;
}
