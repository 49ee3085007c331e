/**
 * A program run from its source file ({@code java DeployScript.java}), as scripts and small tools
 * are: the JDK's source launcher compiles it in memory and runs it. Records 25 events, says DONE and
 * waits for its standard input to close.
 */
public class DeployScript {
    public static void main(String[] args) throws Exception {
        DeployEventRecorder recorder = new DeployEventRecorder();
        for (int i = 0; i < 25; i++) {
            recorder.recordEvent(new DeployEvent(i % 5 == 0 ? "deploy.failed" : "deploy.started", "release-" + i));
        }
        System.out.println("DONE");
        while (System.in.read() >= 0) {
            // held open until the test closes standard input
        }
    }
}

class DeployEvent {
    private final String type;
    private final String aggregateId;

    DeployEvent(String type, String aggregateId) {
        this.type = type;
        this.aggregateId = aggregateId;
    }

    public String getType() {
        return type;
    }

    public String getAggregateId() {
        return aggregateId;
    }
}

class DeployEventRecorder {
    void recordEvent(DeployEvent event) {
        // a real recorder would send it on
    }
}
