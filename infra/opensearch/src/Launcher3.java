import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.opensearch.analysis.common.CommonAnalysisModulePlugin;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.painless.PainlessModulePlugin;
import org.opensearch.plugins.Plugin;
import org.opensearch.plugins.PluginInfo;
import org.opensearch.transport.Netty4ModulePlugin;

/**
 * Starts a single-node OpenSearch 3.x node inside this JVM, for local tests only: the 3.x twin of
 * Launcher.java (2.x), which scripts/services/up.sh compiles instead of it when OPENSEARCH_VERSION
 * is 3 or newer. Needs Java 21+.
 *
 * <p>What changed in 3.x: the module plugins were renamed (Netty4Plugin -> Netty4ModulePlugin,
 * CommonAnalysisPlugin -> CommonAnalysisModulePlugin, PainlessPlugin -> PainlessModulePlugin) and
 * {@link Node}'s protected constructor takes {@link PluginInfo}s instead of plugin classes (the
 * test framework's MockNode builds them the same way). The rest is as in Launcher.java.
 *
 * <p>There is no OpenSearch distribution here, only Maven artifacts. {@link Node}'s protected
 * constructor accepts "classpath plugins" (what the test framework's MockNode uses), so the
 * netty4 HTTP/transport plugin, analysis-common and painless are loaded from the classpath.
 * No security manager, no security plugin, no bootstrap checks (not bound to a public address).
 *
 * <p>Usage: java -cp 'libs/*:classes' Launcher3 HOME_DIR [HTTP_PORT] [TRANSPORT_PORT]
 * Extra settings: system properties prefixed with "osnode." (e.g. -Dosnode.cluster.name=x).
 */
public final class Launcher3 {
    static final class LocalNode extends Node {
        LocalNode(Environment env, Collection<Class<? extends Plugin>> plugins) {
            super(env, plugins.stream().map(LocalNode::info).collect(Collectors.toList()), false);
        }

        private static PluginInfo info(Class<? extends Plugin> p) {
            return new PluginInfo(p.getName(), "classpath plugin", "NA", org.opensearch.Version.CURRENT,
                "21", p.getName(), null, Collections.emptyList(), false);
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: Launcher3 HOME_DIR [HTTP_PORT] [TRANSPORT_PORT]");
            System.exit(2);
        }
        Path home = Paths.get(args[0]).toAbsolutePath();
        String httpPort = args.length > 1 ? args[1] : "9200";
        String transportPort = args.length > 2 ? args[2] : "9300";
        Path data = home.resolve("data");
        Path logs = home.resolve("logs");
        Path config = home.resolve("config");
        Files.createDirectories(data);
        Files.createDirectories(logs);
        Files.createDirectories(config);

        Settings.Builder b = Settings.builder()
            .put("cluster.name", "agent-local")
            .put("node.name", "agent-local-0")
            .put("path.home", home.toString())
            .put("path.data", data.toString())
            .put("path.logs", logs.toString())
            .put("discovery.type", "single-node")
            .put("network.host", "127.0.0.1")
            .put("http.port", httpPort)
            .put("transport.port", transportPort)
            .put("action.auto_create_index", "true")
            // a laptop-sized disk must not turn indices read-only during tests
            .put("cluster.routing.allocation.disk.threshold_enabled", "false")
            .put("http.cors.enabled", "false");
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith("osnode.")) b.put(name.substring("osnode.".length()), System.getProperty(name));
        }
        Settings settings = b.build();

        Environment env = InternalSettingsPreparer.prepareEnvironment(
            settings, Collections.emptyMap(), config, () -> settings.get("node.name"));
        List<Class<? extends Plugin>> plugins =
            List.of(Netty4ModulePlugin.class, CommonAnalysisModulePlugin.class, PainlessModulePlugin.class);
        Node node = new LocalNode(env, plugins);

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
                node.awaitClose(20, TimeUnit.SECONDS);
            } catch (Exception e) {
                e.printStackTrace();
            } finally {
                stopped.countDown();
            }
        }, "opensearch-shutdown"));

        node.start();
        System.out.println("[launcher] OpenSearch " + org.opensearch.Version.CURRENT
            + " started, http=127.0.0.1:" + httpPort + " home=" + home);
        stopped.await();
    }
}
