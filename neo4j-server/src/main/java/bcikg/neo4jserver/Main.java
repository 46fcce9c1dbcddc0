package bcikg.neo4jserver;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.neo4j.cli.ExecutionContext;
import org.neo4j.commandline.admin.security.SetInitialPasswordCommand;
import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.QueryExecutionException;
import org.neo4j.io.ByteUnit;

import picocli.CommandLine;

/**
 * Runs an embedded Neo4j Community DBMS that clients reach over Bolt, like a stand-alone server.
 *
 * <p>Usage: {@code java -cp target/neo4j-server.jar:target/lib/* bcikg.neo4jserver.Main
 * --home .neo4j --port 7687 [--host 127.0.0.1] [--pagecache-mb 512]}. The password of the
 * {@code neo4j} user comes from the environment variable {@code NEO4J_PASSWORD}, never from the
 * command line, so it does not show up in {@code ps}.
 *
 * <p>Data lives in {@code <home>/data}; Neo4j's own debug log in {@code <home>/logs}. Our progress
 * lines go to stdout, which scripts/neo4j.sh appends to {@code <home>/neo4j.log}.
 */
public final class Main {
    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    private Main() {}

    public static void main(String[] args) throws InterruptedException {
        Path home = Path.of(".neo4j");
        String host = "127.0.0.1";
        int port = 7687;
        long pageCacheMb = 512;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--home" -> { home = Path.of(require(args[i], value)); i++; }
                case "--host" -> { host = require(args[i], value); i++; }
                case "--port" -> { port = Integer.parseInt(require(args[i], value)); i++; }
                case "--pagecache-mb" -> { pageCacheMb = Long.parseLong(require(args[i], value)); i++; }
                default -> fail("unknown argument: " + args[i]);
            }
        }
        String password = System.getenv("NEO4J_PASSWORD");
        if (password == null || password.isEmpty()) {
            fail("NEO4J_PASSWORD is not set");
        }
        // Neo4j refuses passwords shorter than 8 characters (dbms.security.auth_minimum_password_length).
        if (password.length() < 8) {
            fail("NEO4J_PASSWORD must be at least 8 characters long");
        }

        home = home.toAbsolutePath().normalize();
        log("starting Neo4j %s (home %s, bolt %s:%d, page cache %d MiB)",
                neo4jVersion(), home, host, port, pageCacheMb);

        if (!Files.isDirectory(home.resolve("data/databases/system"))) {
            seedInitialPassword(home, password);
        }

        // Register the hook before the (several seconds long) start, so a SIGTERM that comes
        // during the start still ends in a clean shutdown once the start is through.
        AtomicReference<DatabaseManagementService> dbmsRef = new AtomicReference<>();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean shuttingDown = new AtomicBoolean(false);
        // SIGTERM/SIGINT run shutdown hooks: shut the DBMS down so it checkpoints and the next
        // start needs no recovery. (SIGKILL skips this; Neo4j then recovers from its tx logs.)
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            shuttingDown.set(true);
            log("shutdown requested, stopping Neo4j");
            try {
                started.await(5, TimeUnit.MINUTES);
                DatabaseManagementService dbms = dbmsRef.get();
                if (dbms != null) {
                    dbms.shutdown();
                    log("Neo4j stopped cleanly");
                }
            } catch (InterruptedException | RuntimeException e) {
                log("error during shutdown: %s", e);
            } finally {
                stopped.countDown();
            }
        }, "bcikg-neo4j-shutdown"));

        DatabaseManagementService dbms;
        try {
            dbms = new DatabaseManagementServiceBuilder(home)
                    .setConfig(GraphDatabaseSettings.data_directory, home.resolve("data"))
                    .setConfig(GraphDatabaseSettings.logs_directory, home.resolve("logs"))
                    .setConfig(GraphDatabaseSettings.auth_enabled, true)
                    // No lock-out after failed logins (default: 3 tries, then 5 s): tests check
                    // that a wrong password is refused and must not lock out the right one.
                    // Bolt only listens on loopback, so guessing is no concern here.
                    .setConfig(GraphDatabaseSettings.auth_max_failed_attempts, 0)
                    .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(pageCacheMb))
                    .setConfig(BoltConnector.enabled, true)
                    .setConfig(BoltConnector.listen_address, new SocketAddress(host, port))
                    // neo4j:// clients follow the routing table, which lists the advertised
                    // address: make it the address we listen on, not the default "localhost".
                    .setConfig(BoltConnector.advertised_address, new SocketAddress(host, port))
                    .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                    // Only Bolt is needed; keep the HTTP ports free and the attack surface small.
                    .setConfig(HttpConnector.enabled, false)
                    .setConfig(HttpsConnector.enabled, false)
                    // No usage reports: CI has no Internet and a test server should not phone home.
                    .setConfig(GraphDatabaseSettings.udc_enabled, false)
                    // Bolt otherwise idles 5 s + 5 s on shutdown waiting for a quiet network; the
                    // databases are checkpointed before that, so a test server can skip the wait.
                    .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                    .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofSeconds(1))
                    .build();
            dbmsRef.set(dbms);
        } catch (RuntimeException e) {
            log("Neo4j failed to start: %s (details in %s)", e, home.resolve("logs/debug.log"));
            e.printStackTrace(System.out);
            Runtime.getRuntime().halt(1); // Neo4j's threads may linger; nothing to save yet
            return;
        } finally {
            started.countDown();
        }

        try {
            setPassword(dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME), password);
        } catch (RuntimeException e) {
            if (shuttingDown.get()) {
                return; // stopped while still starting up: the hook does the rest
            }
            log("could not set the neo4j password: %s", e);
            System.exit(3); // runs the shutdown hook
        }
        if (shuttingDown.get()) {
            return;
        }
        log("ready: bolt://%s:%d (user neo4j, database %s)", host, port,
                GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        stopped.await();
    }

    /**
     * Before the very first start, does what {@code neo4j-admin dbms set-initial-password} does: it
     * writes {@code data/dbms/auth.ini}, which the DBMS reads when it creates the system database.
     * Without this the {@code neo4j} user would briefly exist with the default password
     * {@code neo4j} while Bolt is already listening. If it fails, {@link #setPassword} still sets
     * the password a few seconds after start.
     */
    private static void seedInitialPassword(Path home, String password) {
        try {
            Files.createDirectories(home.resolve("conf"));
            var ctx = new ExecutionContext(home, home.resolve("conf"));
            var command = new SetInitialPasswordCommand(ctx);
            // "--" so that a password starting with "-" is not read as an option.
            CommandLine.populateCommand(command, "--", password);
            int rc = command.call();
            if (rc != 0) {
                throw new IllegalStateException("set-initial-password exited with " + rc);
            }
            log("initial password of user neo4j seeded for the first start");
        } catch (Exception e) {
            log("could not seed the initial password (%s); will set it after start", e);
        }
    }

    /**
     * Sets the password of the built-in {@code neo4j} user. The embedded API runs with full rights,
     * so no old password is needed. On a restart over the same data the password usually is
     * already right, and Neo4j refuses to "change" a password to itself: that case is fine.
     */
    private static void setPassword(GraphDatabaseService system, String password) {
        try {
            system.executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $pw CHANGE NOT REQUIRED", Map.of("pw", password));
            log("password of user neo4j set");
        } catch (QueryExecutionException e) {
            String message = String.valueOf(e.getMessage());
            if (!message.contains("cannot be the same")) {
                throw e;
            }
            log("password of user neo4j unchanged");
        }
    }

    private static String neo4jVersion() {
        // The kernel jar's manifest carries the release version, e.g. 5.26.x.
        String v = DatabaseManagementService.class.getPackage().getImplementationVersion();
        return v != null ? v : "(unknown version)";
    }

    private static String require(String flag, String value) {
        if (value == null) {
            fail(flag + " needs a value");
        }
        return value;
    }

    private static void fail(String message) {
        log("error: %s", message);
        System.exit(2);
    }

    private static synchronized void log(String format, Object... args) {
        System.out.println(LocalDateTime.now().format(TS) + " [bcikg-neo4j] " + String.format(format, args));
        System.out.flush();
    }
}
