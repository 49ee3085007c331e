package io.kube9.agent.instrument;

import net.bytebuddy.jar.asm.Type;

/**
 * Which parameter of an intercepted method is its event (SPEC section 2): the first whose
 * declared type is not a primitive, a boxed primitive or a String. Chosen once per method when
 * it is woven, so the call itself pays nothing for the choice.
 */
final class EventParameter {
    /** No parameter can be the event. */
    static final int NONE = -1;

    private EventParameter() {}

    /**
     * The local variable slot of the event parameter of a method, or {@link #NONE}.
     *
     * @param isStatic whether the method is static (else slot 0 is {@code this})
     * @param descriptor the method's descriptor, e.g. {@code (Ljava/lang/String;JLcom/acme/Event;)V}
     */
    static int slot(boolean isStatic, String descriptor) {
        int slot = isStatic ? 0 : 1;
        for (Type parameter : Type.getArgumentTypes(descriptor)) {
            if (isEventType(parameter)) {
                return slot;
            }
            slot += parameter.getSize();
        }
        return NONE;
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
