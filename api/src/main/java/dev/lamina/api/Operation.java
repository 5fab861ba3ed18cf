package dev.lamina.api;

/** One operation of the API: decodes its request, calls the control or data plane, encodes the answer. */
@FunctionalInterface
public interface Operation {
    /** Answers the request; throws {@link dev.lamina.controlplane.LambdaException} for AWS's errors. */
    ApiResponse handle(ApiRequest request);
}
