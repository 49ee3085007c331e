package io.kube9.agent.instrument;

import net.bytebuddy.jar.asm.Type;

/**
 * Which parameter of an intercepted method is its event (SPEC section 2): the first whose
 * declared type is not a primitive, a boxed primitive or a String. Chosen once per method when
 * it is woven, so the call itself pays nothing for the choice.
 *
 * <p>A Kotlin {@code suspend} function ends in a parameter its source does not have, the
 * {@code Continuation} of its caller: that one is never the event.
 */
final class EventParameter {
    /** No parameter can be the event. */
    static final int NONE = -1;
    private static final String CONTINUATION = "Lkotlin/coroutines/Continuation;";

    private EventParameter() {}

    /**
     * The local variable slot of the event parameter of a method, or {@link #NONE}.
     *
     * @param isStatic whether the method is static (else slot 0 is {@code this})
     * @param descriptor the method's descriptor, e.g. {@code (Ljava/lang/String;JLcom/acme/Event;)V}
     */
    static int slot(boolean isStatic, String descriptor) {
        int slot = isStatic ? 0 : 1;
        Type[] parameters = Type.getArgumentTypes(descriptor);
        int count = isSuspending(descriptor) ? parameters.length - 1 : parameters.length;
        for (int i = 0; i < count; i++) {
            if (isEventType(parameters[i])) {
                return slot;
            }
            slot += parameters[i].getSize();
        }
        return NONE;
    }

    /**
     * The internal name of the event parameter's declared class ({@link #slot}), or null when there
     * is none or it is an array (a batch).
     */
    static String typeName(String descriptor) {
        Type[] parameters = Type.getArgumentTypes(descriptor);
        int count = isSuspending(descriptor) ? parameters.length - 1 : parameters.length;
        for (int i = 0; i < count; i++) {
            if (isEventType(parameters[i])) {
                return parameters[i].getSort() == Type.OBJECT ? parameters[i].getInternalName() : null;
            }
        }
        return null;
    }

    /**
     * Whether a method is a Kotlin {@code suspend} function as compiled: its last parameter is a
     * {@code kotlin.coroutines.Continuation} and it returns {@code Object} (its value, or the
     * marker that says it suspended).
     */
    static boolean isSuspending(String descriptor) {
        return descriptor.endsWith(CONTINUATION + ")Ljava/lang/Object;");
    }

    /** The local variable slot of a suspend function's continuation (its last parameter). */
    static int continuationSlot(boolean isStatic, String descriptor) {
        int slot = isStatic ? 0 : 1;
        for (Type parameter : Type.getArgumentTypes(descriptor)) {
            slot += parameter.getSize();
        }
        return slot - 1;
    }

    static boolean isEventType(Type type) {
        if (type.getSort() == Type.ARRAY) {
            return true;
        }
        if (type.getSort() != Type.OBJECT) {
            return false;
        }
        switch (type.getClassName()) {
            case "java.lang.String":
            case "java.lang.Boolean":
            case "java.lang.Byte":
            case "java.lang.Character":
            case "java.lang.Short":
            case "java.lang.Integer":
            case "java.lang.Long":
            case "java.lang.Float":
            case "java.lang.Double":
                return false;
            default:
                return true;
        }
    }
}
