package io.kube9.agent.instrument;

import io.kube9.agent.bridge.Kube9Bridge;
import net.bytebuddy.asm.Advice;

/** Inlined into projection methods: times the outermost call and reports it, thrown or not. */
final class ProjectionAdvice {
    private ProjectionAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static int[] enter(@Advice.Local("startNanos") long startNanos) {
        int[] depth = Kube9Bridge.enter(Kube9Bridge.PROJECTION);
        startNanos = Kube9Bridge.startTime(depth);
        return depth;
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Enter int[] depth, @Advice.Local("startNanos") long startNanos,
            @TargetIndex int target, @Advice.This(optional = true) Object self, @Advice.Origin Class<?> declaring,
            @EventArgument Object event, @Advice.Thrown Throwable thrown) {
        Kube9Bridge.projectionExit(depth, target, self != null ? self : declaring, event, startNanos, thrown);
    }
}
