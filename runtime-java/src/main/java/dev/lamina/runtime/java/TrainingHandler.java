package dev.lamina.runtime.java;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;

/** The function of a training run ({@link Training}): a POJO handler that logs, answers, and fails on request. */
public final class TrainingHandler implements RequestHandler<Prestart.Probe, Prestart.Probe> {

    @Override
    public Prestart.Probe handleRequest(Prestart.Probe input, Context context) {
        context.getLogger().log("training " + context.getAwsRequestId());
        if ("fail".equals(input.getName())) {
            throw new IllegalArgumentException("training failure");
        }
        Prestart.Probe out = new Prestart.Probe();
        out.setName("hello " + input.getName());
        out.setCount(input.getCount() + 1);
        return out;
    }
}
