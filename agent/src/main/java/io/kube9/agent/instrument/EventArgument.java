package io.kube9.agent.instrument;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds the intercepted method's event argument: the first parameter whose declared type is
 * not a primitive, a boxed primitive or a String; null when there is none. Chosen once per
 * method when it is instrumented, so the call itself pays nothing for the choice.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
@interface EventArgument {}
