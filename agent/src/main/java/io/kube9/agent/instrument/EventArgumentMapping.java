package io.kube9.agent.instrument;

import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.method.ParameterDescription;
import net.bytebuddy.description.type.TypeDefinition;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/** Resolves {@link EventArgument} to the event parameter of each instrumented method. */
final class EventArgumentMapping implements Advice.OffsetMapping {
    static final EventArgumentMapping INSTANCE = new EventArgumentMapping();

    private EventArgumentMapping() {}

    @Override
    public Target resolve(TypeDescription instrumentedType, MethodDescription instrumentedMethod,
            Assigner assigner, Advice.ArgumentHandler argumentHandler, Sort sort) {
        ParameterDescription event = eventParameter(instrumentedMethod);
        if (event == null) {
            return new Target.ForDefaultValue.ReadOnly(TypeDescription.ForLoadedType.of(Object.class));
        }
        return new Advice.OffsetMapping.ForArgument.Resolved(
                        TypeDescription.Generic.OfNonGenericType.ForLoadedType.of(Object.class),
                        true, Assigner.Typing.DYNAMIC, event)
                .resolve(instrumentedType, instrumentedMethod, assigner, argumentHandler, sort);
    }

    static ParameterDescription eventParameter(MethodDescription method) {
        for (ParameterDescription parameter : method.getParameters()) {
            if (isEventType(parameter.getType().asErasure())) {
                return parameter;
            }
        }
        return null;
    }

    static boolean isEventType(TypeDefinition type) {
        if (type.isPrimitive()) {
            return false;
        }
        String name = type.asErasure().getName();
        switch (name) {
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
