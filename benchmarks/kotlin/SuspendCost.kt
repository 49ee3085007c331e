package cost

import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.asCoroutineDispatcher
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withContext
import kotlinx.coroutines.yield
import java.util.concurrent.Executors

// What kube9-agent costs a Kotlin service, case by case, in one JVM (benchmarks/kotlin-cost.sh
// runs it with and without the agent, in alternating JVMs). Each case prints the median over its
// measured rounds of the wall-clock ns per operation, on one thread of its own.

data class CostEvent(val eventId: String, val eventType: String, val suspends: Boolean = false)

var total = 0L

/** A store site with a state machine, called so that it never suspends. */
class MachineEventStore {
    suspend fun append(event: CostEvent) {
        if (event.suspends) delay(1)
        total++
    }
}

/** The same code, under a name that is no site. */
class MachineEventLog {
    suspend fun append(event: CostEvent) {
        if (event.suspends) delay(1)
        total++
    }
}

/** A store site without a state machine (no suspension point). */
class FlatEventStore {
    suspend fun append(event: CostEvent) {
        total++
    }
}

class FlatEventLog {
    suspend fun append(event: CostEvent) {
        total++
    }
}

/** A plain method site, for comparison. */
class PlainEventStore {
    fun append(event: CostEvent) {
        total++
    }
}

class PlainEventLog {
    fun append(event: CostEvent) {
        total++
    }
}

/** Kept under way for the whole run: every resumption then looks for the call it may end. */
class SlowEventStore {
    suspend fun append(event: CostEvent): Unit = withContext(Dispatchers.IO) { delay(3_600_000) }
}

fun main(args: Array<String>) {
    val case = args[0]
    val withCallUnderWay = args.size > 1 && args[1] == "under-way"
    val thread = Executors.newSingleThreadExecutor().asCoroutineDispatcher()
    val event = CostEvent("e-1", "cost")
    val medians = ArrayList<Double>()
    runBlocking {
        if (withCallUnderWay) {
            launch(Dispatchers.Default) { SlowEventStore().append(event) }
            delay(200)
        }
        for (round in 0 until 20) {
            val ns = withContext(thread) { measure(case, event) }
            if (round >= 5) medians += ns // the first rounds warm up
        }
        coroutineContext[kotlinx.coroutines.Job]?.children?.forEach { it.cancel() }
    }
    thread.close()
    medians.sort()
    println("RESULT %s%s %.1f".format(case, if (withCallUnderWay) "+under-way" else "", medians[medians.size / 2]))
}

suspend fun measure(case: String, event: CostEvent): Double {
    val n = 1_000_000
    val machine = MachineEventStore()
    val machineLog = MachineEventLog()
    val flat = FlatEventStore()
    val flatLog = FlatEventLog()
    val plain = PlainEventStore()
    val plainLog = PlainEventLog()
    val start = System.nanoTime()
    when (case) {
        "machine-site" -> repeat(n) { machine.append(event) }
        "machine-no-site" -> repeat(n) { machineLog.append(event) }
        "flat-site" -> repeat(n) { flat.append(event) }
        "flat-no-site" -> repeat(n) { flatLog.append(event) }
        "plain-site" -> repeat(n) { plain.append(event) }
        "plain-no-site" -> repeat(n) { plainLog.append(event) }
        "resumption" -> coroutineScope { // two coroutines taking turns: every yield is a resumption
            launch { repeat(n / 2) { yield() } }
            launch { repeat(n / 2) { yield() } }
        }
        else -> throw IllegalArgumentException("no case " + case)
    }
    return (System.nanoTime() - start).toDouble() / n
}
