package shop

import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withContext
import java.time.Instant
import java.util.concurrent.atomic.AtomicInteger

// A Kotlin order service whose sites are suspend functions of both shapes the compiler makes
// (a state machine, or a tail call with none), plus a companion object and a value class. Every
// site is called from coroutines on Dispatchers.Default, so resumptions land on other threads.

@JvmInline
value class OrderId(val value: String)

data class OrderEvent(val eventId: String, val aggregateId: String, val eventType: String, val occurredAt: Instant)

data class Refunded(val eventId: String, val aggregateId: OrderId, val occurredAt: Instant) {
    val eventType: String get() = "order.refunded"
}

data class NodeDown(val eventId: String, val severity: String = "warning")

/** Suspends, and works on after it resumes: a state machine. */
class OrderEventStore {
    val appended = AtomicInteger()

    suspend fun append(event: OrderEvent) {
        withContext(Dispatchers.IO) { delay(1) }
        appended.incrementAndGet()
    }
}

/** A state machine that fails after it resumes, for every fifth event: those are not stored. */
class FlakyEventStore {
    val appended = AtomicInteger()

    suspend fun append(event: OrderEvent) {
        delay(1)
        if (number(event.eventId) % 5 == 0) throw java.io.IOException("disk gone: ${event.eventId}")
        appended.incrementAndGet()
    }
}

/** Only a tail call, with no state machine: fails inside it for every fourth event. */
class TailEventStore {
    val appended = AtomicInteger()

    suspend fun append(event: OrderEvent): Unit = withContext(Dispatchers.IO) {
        delay(1)
        if (number(event.eventId) % 4 == 0) throw IllegalStateException("rejected: ${event.eventId}")
        appended.incrementAndGet()
        Unit
    }
}

/** Its functions are a companion object's: the class LegacyEventStore$Companion. */
class LegacyEventStore {
    companion object {
        val saved = AtomicInteger()

        @JvmStatic
        fun save(event: OrderEvent) {
            saved.incrementAndGet()
        }
    }
}

/** A value class parameter: the compiler names the method append-<hash>. */
class StreamEventStore {
    val appended = AtomicInteger()

    fun append(stream: OrderId, events: List<Refunded>) {
        appended.addAndGet(events.size)
    }
}

class OpsEventRecorder {
    val recorded = AtomicInteger()

    suspend fun record(event: NodeDown) {
        delay(1)
        delay(1)
        recorded.incrementAndGet()
    }
}

/** A state machine: 5 ms, then a failure for every third event. */
class OrderProjection {
    suspend fun project(event: OrderEvent) {
        delay(5)
        if (number(event.eventId) % 3 == 0) throw IllegalStateException("projection failed: ${event.eventId}")
    }
}

/** A tail call: 5 ms inside withContext, then a failure for every third event. */
class ShippingProjection {
    suspend fun project(event: OrderEvent): Unit = withContext(Dispatchers.IO) {
        delay(5)
        if (number(event.eventId) % 3 == 0) throw IllegalStateException("shipping failed: ${event.eventId}")
        Unit
    }
}

fun number(eventId: String): Int = eventId.substringAfter('-').toInt()

private val T0: Instant = Instant.parse("2026-11-25T00:00:00Z")

fun event(n: Int, type: String) = OrderEvent("evt-$n", "order-$n", type, T0.plusSeconds(n.toLong()))

fun main() {
    val orders = OrderEventStore()
    val flaky = FlakyEventStore()
    val tail = TailEventStore()
    val streams = StreamEventStore()
    val ops = OpsEventRecorder()
    val projection = OrderProjection()
    val shipping = ShippingProjection()
    val failures = AtomicInteger()
    runBlocking(Dispatchers.Default) {
        for (n in 1..20) {
            launch { orders.append(event(n, "order.placed")) }
            launch { runCatching { flaky.append(event(n, "order.audited")) }.onFailure { failures.incrementAndGet() } }
            launch { runCatching { tail.append(event(n, "order.shipped")) }.onFailure { failures.incrementAndGet() } }
        }
        for (n in 1..6) {
            launch { LegacyEventStore.save(event(n, "order.legacy")) }
        }
        for (n in 1..5) {
            val id = OrderId("order-$n")
            launch {
                streams.append(id, listOf(Refunded("refund-${2 * n - 1}", id, T0), Refunded("refund-${2 * n}", id, T0)))
            }
        }
        for (n in 1..10) {
            launch { ops.record(NodeDown("node-$n")) }
        }
        for (n in 1..30) {
            launch { runCatching { projection.project(event(n, "order.placed")) } }
            launch { runCatching { shipping.project(event(n, "order.shipped")) } }
        }
    }
    println("stored placed=${orders.appended} audited=${flaky.appended} shipped=${tail.appended}"
            + " legacy=${LegacyEventStore.saved} refunded=${streams.appended} recorded=${ops.recorded}"
            + " failures=$failures")
    println("DONE")
    System.`in`.read()
}
