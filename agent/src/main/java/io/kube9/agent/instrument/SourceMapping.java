package io.kube9.agent.instrument;

import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.implementation.bytecode.assign.Assigner;
import net.bytebuddy.implementation.bytecode.constant.TextConstant;

/** Resolves {@link Source} to a string constant in the instrumented class's constant pool. */
final class SourceMapping implements Advice.OffsetMapping {
    static final SourceMapping INSTANCE = new SourceMapping();

    private SourceMapping() {}

    @Override
    public Target resolve(TypeDescription instrumentedType, MethodDescription instrumentedMethod,
            Assigner assigner, Advice.ArgumentHandler argumentHandler, Sort sort) {
        // A text constant of our own: Target.ForStackManipulation.of(Object) would set up Byte
        // Buddy's JavaConstant dispatchers (several proxy classes) on the start-up path.
        return new Target.ForStackManipulation(
                new TextConstant(instrumentedType.getName() + "#" + instrumentedMethod.getName()));
    }
}
