package io.kube9.sites;

import java.util.ArrayList;

/** Has a site's method names, and neither a site's name nor a site supertype. */
public class NotASite extends ArrayList<String> implements Comparable<NotASite> {
    private static final long serialVersionUID = 1L;

    public String append(Object event) {
        return "not a site";
    }

    @Override
    public int compareTo(NotASite other) {
        return 0;
    }
}
