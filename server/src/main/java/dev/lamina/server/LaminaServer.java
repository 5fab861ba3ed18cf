package dev.lamina.server;

import dev.lamina.api.ApiContext;
import dev.lamina.api.LambdaApiHandler;
import dev.lamina.async.AsyncInvocations;
import dev.lamina.async.AsyncSettings;
import dev.lamina.controlplane.Aliases;
import dev.lamina.controlplane.Concurrency;
import dev.lamina.controlplane.Functions;
import dev.lamina.controlplane.Policies;
import dev.lamina.controlplane.ProvisionedConcurrency;
import dev.lamina.controlplane.Tags;
import dev.lamina.engine.EngineConfig;
import dev.lamina.engine.invoke.Engine;
import dev.lamina.engine.runtime.PythonBytecode;
import dev.lamina.engine.runtime.Runtimes;
import dev.lamina.engine.sandbox.BubblewrapSandbox;
import dev.lamina.engine.sandbox.ProcessSandbox;
import dev.lamina.engine.sandbox.Sandbox;
import dev.lamina.model.Settings;
import dev.lamina.store.Store;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The platform in one process: the store, the control plane, the data plane and the HTTP API, wired together.
 * {@link #start} returns once the API answers; {@link #close} stops instances, flushes logs and closes the store.
 */
public final class LaminaServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LaminaServer.class);

    private final Server http;
    private final Engine engine;
    private final Store store;
    private final BatchingLogSink logs;
    private final URI endpoint;
    private final String sandboxName;
    private AsyncInvocations async;

    private LaminaServer(
            Server http, Engine engine, Store store, BatchingLogSink logs, URI endpoint, String sandboxName) {
        this.http = http;
        this.engine = engine;
        this.store = store;
        this.logs = logs;
        this.endpoint = endpoint;
        this.sandboxName = sandboxName;
    }

    public static LaminaServer start(ServerConfig config) throws Exception {
        Path data = config.dataDir().toAbsolutePath();
        Store store = Store.open(data);
        BatchingLogSink logs = new BatchingLogSink(store);
        Settings settings = new Settings(config.region(), config.accountId());
        String bwrap = BubblewrapSandbox.find();
        Sandbox sandbox = bwrap != null ? new BubblewrapSandbox(bwrap) : new ProcessSandbox();
        if (bwrap == null) {
            log.warn("bubblewrap (bwrap) is not installed: instances run as plain processes, with their code at its"
                    + " real path instead of /var/task. Install it with: apt-get install bubblewrap");
        }
        Runtimes runtimes = Runtimes.discover(config.runtimeOverrides());
        Path runtimeDir = RuntimeFiles.prepare(data.resolve("runtime"));
        PythonBytecode.compile(runtimeDir, runtimes);
        RuntimeFiles.clear(data.resolve("instances")); // left behind by a server that was killed

        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("api");
        threads.setVirtualThreadsExecutor(Executors.newVirtualThreadPerTaskExecutor());
        Server http = new Server(threads);
        HttpConfiguration httpConfig = new HttpConfiguration();
        httpConfig.setSendServerVersion(false);
        ServerConnector connector = new ServerConnector(http, new HttpConnectionFactory(httpConfig));
        connector.setHost(config.host());
        connector.setPort(config.port());
        http.addConnector(connector);
        connector.open();
        URI endpoint = URI.create("http://" + config.host() + ":" + connector.getLocalPort());

        EngineConfig engineConfig = new EngineConfig(
                settings,
                sandbox,
                runtimes,
                runtimeDir,
                data.resolve("instances"),
                logs,
                config.keepAlive(),
                Duration.ofSeconds(10),
                endpoint.toString(),
                config.accountConcurrency(),
                config.memoryBudgetMb(),
                config.scalingPerTenSeconds(),
                config.prestartedRuntimes());
        Engine engine = new Engine(engineConfig);
        AtomicReference<AsyncInvocations> asyncRef = new AtomicReference<>();
        Functions functions = new Functions(store, settings, runtimes, data.resolve("code"), (name, latest) -> {
            engine.retire(name, latest);
            if (latest == null && asyncRef.get() != null) {
                asyncRef.get().functionDeleted(name);
            }
        });
        Aliases aliases = new Aliases(store, settings, functions);
        ApiContext api = new ApiContext(
                functions,
                aliases,
                new Concurrency(store, functions, engine.limits()),
                new Tags(store, settings, functions),
                new Policies(store, settings, functions),
                new ProvisionedConcurrency(store, functions, aliases, engine),
                engine,
                settings,
                store,
                logs::flush);
        // asynchronous invocation: the durable queue in data/events.db and its dispatcher (docs/adr/0005)
        AsyncInvocations async = AsyncInvocations.start(
                data,
                api.aliases(),
                api.concurrency(),
                engine,
                settings,
                AsyncSettings.defaults().withDelayScale(config.asyncDelayScale()));
        asyncRef.set(async);
        api = api.withAsync(async);
        http.setHandler(new LambdaApiHandler(api, threads.getVirtualThreadsExecutor()));
        http.start();
        LaminaServer server = new LaminaServer(http, engine, store, logs, endpoint, sandbox.name());
        server.async = async;
        return server;
    }

    public URI endpoint() {
        return endpoint;
    }

    public String sandboxName() {
        return sandboxName;
    }

    /** The data plane, for benchmarks and tests that look at instances from outside. */
    public Engine engine() {
        return engine;
    }

    @Override
    public void close() {
        try {
            http.stop();
        } catch (Exception e) {
            log.warn("stopping the HTTP server", e);
        }
        if (async != null) {
            async.close(); // before the engine: instances stopped by the shutdown are not function errors
        }
        engine.close();
        logs.close();
        store.close();
    }
}
