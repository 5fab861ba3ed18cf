package dev.lamina.async;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The record a destination receives, byte for byte, against AWS's documented records (surface §5; the AWS Java
 * library's fixture lambda_destination_event.json; the records of the AWS Compute Blog's destinations post).
 */
class InvocationRecordTest {

    private static final Instant AT = Instant.parse("2019-11-24T21:52:47.333Z");
    private static final String ARN = "arn:aws:lambda:us-east-1:000000000000:function:event-destinations:$LATEST";

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void retries_exhausted() {
        byte[] record = InvocationRecord.build(
                AT,
                "c2a6f2ae-7dbb-4d22-8782-d0485c9877e2",
                ARN,
                "RetriesExhausted",
                3,
                utf8("{\"Success\":false}"),
                new InvocationRecord.Response(
                        200,
                        "$LATEST",
                        "Unhandled",
                        utf8("{\"errorMessage\":\"I am failing!\",\"errorType\":\"Error\",\"stackTrace\":[]}")));
        assertThat(text(record))
                .isEqualTo("{\"version\":\"1.0\",\"timestamp\":\"2019-11-24T21:52:47.333Z\","
                        + "\"requestContext\":{\"requestId\":\"c2a6f2ae-7dbb-4d22-8782-d0485c9877e2\","
                        + "\"functionArn\":\"" + ARN + "\",\"condition\":\"RetriesExhausted\","
                        + "\"approximateInvokeCount\":3},"
                        + "\"requestPayload\":{\"Success\":false},"
                        + "\"responseContext\":{\"statusCode\":200,\"executedVersion\":\"$LATEST\","
                        + "\"functionError\":\"Unhandled\"},"
                        + "\"responsePayload\":{\"errorMessage\":\"I am failing!\",\"errorType\":\"Error\","
                        + "\"stackTrace\":[]}}");
    }

    @Test
    void success_has_no_function_error_and_a_null_response_when_the_function_returned_none() {
        byte[] record = InvocationRecord.build(
                AT,
                "8ea123e4-1db7-4aca-ad10-d9ca1234c1fd",
                ARN,
                "Success",
                1,
                utf8("{\"Success\":true}"),
                new InvocationRecord.Response(200, "$LATEST", null, utf8("null")));
        assertThat(text(record))
                .isEqualTo("{\"version\":\"1.0\",\"timestamp\":\"2019-11-24T21:52:47.333Z\","
                        + "\"requestContext\":{\"requestId\":\"8ea123e4-1db7-4aca-ad10-d9ca1234c1fd\","
                        + "\"functionArn\":\"" + ARN + "\",\"condition\":\"Success\",\"approximateInvokeCount\":1},"
                        + "\"requestPayload\":{\"Success\":true},"
                        + "\"responseContext\":{\"statusCode\":200,\"executedVersion\":\"$LATEST\"},"
                        + "\"responsePayload\":null}");
    }

    @Test
    void an_event_that_expired_before_reaching_the_function_has_no_response() {
        byte[] record = InvocationRecord.build(AT, "id", ARN, "EventAgeExceeded", 0, utf8("[1,2]"), null);
        assertThat(text(record))
                .isEqualTo("{\"version\":\"1.0\",\"timestamp\":\"2019-11-24T21:52:47.333Z\","
                        + "\"requestContext\":{\"requestId\":\"id\",\"functionArn\":\"" + ARN + "\","
                        + "\"condition\":\"EventAgeExceeded\",\"approximateInvokeCount\":0},"
                        + "\"requestPayload\":[1,2]}");
    }

    @Test
    void payloads_are_embedded_as_they_came() {
        byte[] record = InvocationRecord.build(
                AT,
                "id",
                ARN,
                "Success",
                1,
                utf8("{\"price\": 1.10, \"big\": 123456789012345678901234567890, \"s\": \"é\\u00e9\"}"),
                new InvocationRecord.Response(200, "7", null, utf8("\"plain string\"")));
        assertThat(text(record))
                .contains("\"requestPayload\":{\"price\": 1.10, \"big\": 123456789012345678901234567890,"
                        + " \"s\": \"é\\u00e9\"}")
                .contains("\"executedVersion\":\"7\"")
                .endsWith("\"responsePayload\":\"plain string\"}");
    }

    @Test
    void a_response_that_is_not_json_becomes_a_string() {
        byte[] record = InvocationRecord.build(
                AT,
                "id",
                ARN,
                "Success",
                1,
                utf8("{}"),
                new InvocationRecord.Response(200, "$LATEST", null, utf8("not json {")));
        assertThat(text(record)).endsWith("\"responsePayload\":\"not json {\"}");
        assertThat(InvocationRecord.isOneJsonValue(utf8("{} {}"))).isFalse();
        assertThat(InvocationRecord.isOneJsonValue(utf8(" 42 "))).isTrue();
    }
}
