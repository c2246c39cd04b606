package io.synspring;

/**
 * An operation had to be performed by another node (the owner of the process) and that node left or did
 * not answer in time. Nothing was changed on this node; retry once the cluster has settled.
 */
public class NodeUnavailableException extends RuntimeException {

    private final NodeId node;

    public NodeUnavailableException(NodeId node, String message) {
        super(message);
        this.node = node;
    }

    public NodeId node() {
        return node;
    }
}
