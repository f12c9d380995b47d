using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace Tracker.Cloud.Lambda.Live;

/// <summary>
/// Which live connections each renter holds, so that a rental change can close them (issue 15, F5 on AWS). The live
/// authorizer records every grant it gives a renter (connect and each refresh): partition <c>subject</c> (the token's
/// <c>sub</c>, which is a rental's <c>renter</c>), sort <c>clientId</c>, and <c>expiresAt</c> (epoch seconds, the
/// grant's <c>disconnectAfterInSeconds</c> from now) as the table's TTL attribute. DynamoDB deletes expired items
/// within days, not at once (DynamoDB developer guide, "Time to Live"), so reads skip the expired ones themselves.
/// Why a record and not client ids derived from the subject alone: IoT Core's DeleteConnection takes one exact client
/// id, and a user's tabs and devices each need their own (a shared one would make them cut each other off), so the
/// random part must be learnt from the connection, which only the authorizer sees. Operators are not recorded: no
/// rental bounds what they see.
/// </summary>
public sealed class LiveGrantLog
{
    /// <summary>The partition key: the user id (token subject, rental renter).</summary>
    public const string SubjectAttribute = "subject";

    /// <summary>The sort key: the MQTT client id.</summary>
    public const string ClientIdAttribute = "clientId";

    /// <summary>The TTL attribute: when the grant ends, epoch seconds.</summary>
    public const string ExpiresAtAttribute = "expiresAt";

    /// <summary>When the grant was given, epoch seconds (for an operator reading the table).</summary>
    public const string GrantedAtAttribute = "grantedAt";

    private readonly IAmazonDynamoDB _client;
    private readonly string _table;

    /// <summary>Creates the log.</summary>
    /// <param name="client">DynamoDB.</param>
    /// <param name="table">The grants table's name.</param>
    public LiveGrantLog(IAmazonDynamoDB client, string table)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrWhiteSpace(table);
        _client = client;
        _table = table;
    }

    /// <summary>Records (or extends) one grant.</summary>
    /// <param name="subject">The renter.</param>
    /// <param name="clientId">The connection's client id.</param>
    /// <param name="grantedAtSeconds">Now, epoch seconds.</param>
    /// <param name="expiresAtSeconds">When the grant ends, epoch seconds.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>When written.</returns>
    public async Task RecordAsync(string subject, string clientId, long grantedAtSeconds, long expiresAtSeconds, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        ArgumentException.ThrowIfNullOrEmpty(clientId);
        await _client.PutItemAsync(
            new PutItemRequest
            {
                TableName = _table,
                Item = new Dictionary<string, AttributeValue>
                {
                    [SubjectAttribute] = new() { S = subject },
                    [ClientIdAttribute] = new() { S = clientId },
                    [GrantedAtAttribute] = Number(grantedAtSeconds),
                    [ExpiresAtAttribute] = Number(expiresAtSeconds),
                },
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The client ids of a renter's grants that have not ended.</summary>
    /// <param name="subject">The renter.</param>
    /// <param name="nowSeconds">Now, epoch seconds.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>The client ids, in key order.</returns>
    public async Task<IReadOnlyList<string>> ClientIdsAsync(string subject, long nowSeconds, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        var clientIds = new List<string>();
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            QueryResponse response = await _client.QueryAsync(
                new QueryRequest
                {
                    TableName = _table,
                    KeyConditionExpression = "#s = :s",
                    FilterExpression = "#e > :now",
                    ExpressionAttributeNames = new Dictionary<string, string> { ["#s"] = SubjectAttribute, ["#e"] = ExpiresAtAttribute, ["#c"] = ClientIdAttribute },
                    ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":s"] = new() { S = subject }, [":now"] = Number(nowSeconds) },
                    ProjectionExpression = "#c",
                    ExclusiveStartKey = start,
                },
                cancellationToken).ConfigureAwait(false);
            foreach (Dictionary<string, AttributeValue> item in response.Items ?? [])
            {
                if (item.TryGetValue(ClientIdAttribute, out AttributeValue? id) && !string.IsNullOrEmpty(id.S))
                {
                    clientIds.Add(id.S);
                }
            }

            start = response.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (start is not null);

        return clientIds;
    }

    private static AttributeValue Number(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };
}

