package plugin

import kotlin.concurrent.thread
import kotlin.coroutines.Continuation
import kotlin.coroutines.EmptyCoroutineContext
import kotlin.coroutines.resume
import kotlin.coroutines.startCoroutine
import kotlin.coroutines.suspendCoroutine

// A plugin with a Kotlin of its own, loaded by a host in a class loader of its own: one event
// stored by a suspend function whose only suspension is its last call (ended when its caller is
// resumed, from another thread), then the plugin is dropped.

data class PluginEvent(val eventId: String, val eventType: String = "plugin.loaded")

class PluginEventStore {
    suspend fun append(event: PluginEvent): Unit = suspendCoroutine { done -> thread { done.resume(Unit) } }
}

class Plugin : Runnable {
    override fun run() {
        val finished = java.util.concurrent.CountDownLatch(1)
        val store = PluginEventStore()
        suspend { store.append(PluginEvent("plugin-1")) }
            .startCoroutine(Continuation(EmptyCoroutineContext) { finished.countDown() })
        finished.await()
    }
}
