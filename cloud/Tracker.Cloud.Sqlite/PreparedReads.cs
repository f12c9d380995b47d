using Microsoft.Data.Sqlite;

namespace Tracker.Cloud.Sqlite;

/// <summary>
/// Connections kept open for the stores' frequent reads, each with its statements prepared once. A pooled connection
/// (<see cref="SqliteStore.OpenConnectionAsync"/>) prepares every statement anew, as each call makes a new command, and
/// per message the host read the car's previous fix (ingest) and, in the Derive step, the feed, the car's state, its
/// rentals, readings, fixes and statuses, the zones and the limits: parsing and planning the same SQL each time was a
/// large part of the store's CPU. A read takes an idle connection (or opens one), runs its cached command, and hands the
/// connection back; at most <see cref="MaxIdle"/> stay. A read that fails drops its connection, so a connection in an
/// unknown state is never reused. Reads only: each statement runs in its own read transaction (autocommit), as on a
/// pooled connection, so it sees every commit made before it started.
/// </summary>
internal sealed class PreparedReads
{
    /// <summary>The most idle connections kept (the store's readers at once: ingest's gate, Derive's workers, the API).</summary>
    public const int MaxIdle = 8;

    private readonly SqliteStore _store;
    private readonly Stack<Connection> _idle = new();

    /// <summary>Creates the reads of a store.</summary>
    /// <param name="store">The store whose file is read.</param>
    public PreparedReads(SqliteStore store) => _store = store;

    /// <summary>How many connections are idle now (tests).</summary>
    public int Idle
    {
        get
        {
            lock (_idle)
            {
                return _idle.Count;
            }
        }
    }

    /// <summary>Runs <paramref name="sql"/>, which has no parameters, and returns what <paramref name="read"/> makes of its rows.</summary>
    /// <typeparam name="TResult">The result.</typeparam>
    /// <param name="sql">The statement, a constant: it is the cache's key.</param>
    /// <param name="read">Reads the rows.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The result.</returns>
    public Task<TResult> ReadAsync<TResult>(string sql, Func<SqliteDataReader, CancellationToken, Task<TResult>> read, CancellationToken cancellationToken) =>
        ReadAsync(sql, [], read, static (_, _) => { }, static (reader, read, ct) => read(reader, ct), cancellationToken);

    /// <summary>
    /// Runs <paramref name="sql"/> with its parameters bound by <paramref name="bind"/> and returns what
    /// <paramref name="read"/> makes of its rows. The command is the connection's own, prepared at its first use.
    /// </summary>
    /// <typeparam name="TState">What <paramref name="bind"/> needs (passed through, so the callers need no closure).</typeparam>
    /// <typeparam name="TResult">The result.</typeparam>
    /// <param name="sql">The statement, a constant: it is the cache's key.</param>
    /// <param name="parameters">Its parameter names, in the order <paramref name="bind"/> sets them.</param>
    /// <param name="state">Passed to <paramref name="bind"/> and <paramref name="read"/>.</param>
    /// <param name="bind">Sets the parameters' values by position.</param>
    /// <param name="read">Reads the rows.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The result.</returns>
    public Task<TResult> ReadAsync<TState, TResult>(
        string sql,
        string[] parameters,
        TState state,
        Action<SqliteParameterCollection, TState> bind,
        Func<SqliteDataReader, TState, CancellationToken, Task<TResult>> read,
        CancellationToken cancellationToken) =>
        RunAsync(
            (sql, parameters, state, bind, read),
            static async (connection, s, ct) =>
            {
                SqliteCommand command = connection.Command(s.sql, s.parameters);

                // Outside any transaction (a kept command may have served a commit, which left its transaction set).
                command.Transaction = null;
                s.bind(command.Parameters, s.state);
                await using SqliteDataReader reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                return await s.read(reader, s.state, ct).ConfigureAwait(false);
            },
            cancellationToken);

    /// <summary>
    /// Runs <paramref name="run"/> on a kept connection: the Derive store's commit uses it for its prepared statements
    /// (inside its write turn and its own transaction, which <paramref name="run"/> ends before it returns).
    /// </summary>
    /// <typeparam name="TState">What <paramref name="run"/> needs.</typeparam>
    /// <typeparam name="TResult">The result.</typeparam>
    /// <param name="state">Passed to <paramref name="run"/>.</param>
    /// <param name="run">The work; a throw drops the connection.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The result.</returns>
    public async Task<TResult> RunAsync<TState, TResult>(TState state, Func<Connection, TState, CancellationToken, Task<TResult>> run, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Connection connection = await RentAsync(cancellationToken).ConfigureAwait(false);
        TResult result;
        try
        {
            result = await run(connection, state, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        await ReturnAsync(connection).ConfigureAwait(false);
        return result;
    }

    private async Task<Connection> RentAsync(CancellationToken cancellationToken)
    {
        lock (_idle)
        {
            if (_idle.TryPop(out Connection? idle))
            {
                return idle;
            }
        }

        return new Connection(await _store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false));
    }

    private async Task ReturnAsync(Connection connection)
    {
        lock (_idle)
        {
            if (_idle.Count < MaxIdle)
            {
                _idle.Push(connection);
                return;
            }
        }

        await connection.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>An open connection and the commands prepared on it, by their SQL.</summary>
    internal sealed class Connection(SqliteConnection connection) : IAsyncDisposable
    {
        private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

        /// <summary>The connection.</summary>
        public SqliteConnection Inner => connection;

        /// <summary>The command for <paramref name="sql"/>, prepared at its first use on this connection and kept.</summary>
        /// <param name="sql">The statement, a constant: the cache's key.</param>
        /// <param name="parameters">Its parameter names, added when the command is made.</param>
        /// <returns>The command; its parameters keep the last call's values until set.</returns>
        public SqliteCommand Command(string sql, string[] parameters)
        {
            if (!_commands.TryGetValue(sql, out SqliteCommand? command))
            {
                command = connection.CreateCommand();
                command.CommandText = sql;
                foreach (string name in parameters)
                {
                    command.Parameters.Add(new SqliteParameter { ParameterName = name });
                }

                _commands.Add(sql, command);
            }

            return command;
        }

        /// <inheritdoc/>
        public async ValueTask DisposeAsync()
        {
            foreach (SqliteCommand command in _commands.Values)
            {
                await command.DisposeAsync().ConfigureAwait(false);
            }

            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}
