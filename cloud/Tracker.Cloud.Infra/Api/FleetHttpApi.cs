using Amazon.CDK;
using Amazon.CDK.AWS.Apigatewayv2;
using Amazon.CDK.AwsApigatewayv2Authorizers;
using Amazon.CDK.AwsApigatewayv2Integrations;
using Amazon.CDK.AWS.KMS;
using Amazon.CDK.AWS.Lambda;
using Amazon.CDK.AWS.Logs;
using Constructs;
using HttpMethod = Amazon.CDK.AWS.Apigatewayv2.HttpMethod;

namespace Tracker.Cloud.Infra.Api;

/// <summary>
/// The HTTP API in front of the API function (payload format 2.0, as <c>Events/HttpApiRequest</c>
/// expects): a JWT authorizer on the user pool on every route but the cars' image route, so forged and expired tokens are
/// refused before the function runs (Lambda README, "Api: routes, identity, problems"), stage-wide
/// throttling, and JSON access logs in an encrypted log group.
/// </summary>
public sealed class FleetHttpApi : Construct
{
    /// <summary>The routes, each <c>GET</c>, all to the API function.</summary>
    public static readonly IReadOnlyList<string> Routes = ["/cars", "/cars/{carId}/location", "/cars/{carId}/locations", "/me"];

    /// <summary>
    /// Issue 16's routes (the API function's <c>EventsApi</c>, operators only, checked by the function), with their methods:
    /// anything else is refused by API Gateway before the function runs.
    /// </summary>
    public static readonly IReadOnlyList<(string Path, string[] Methods)> EventRoutes =
    [
        ("/events", ["GET"]),
        ("/cars/{carId}/events", ["GET"]),
        ("/cars/{carId}/events/{eventId}/acknowledge", ["POST"]),
        ("/zones", ["GET"]),
        ("/zones/{zoneId}", ["PUT", "DELETE"]),
        ("/limits", ["GET", "PUT"]),
        ("/subscriptions", ["GET"]),
        ("/subscriptions/{subscriptionId}", ["PUT", "DELETE"]),
        ("/notifications", ["GET"]),
        ("/notifications/{deliveryId}/redeliver", ["POST"]),
    ];

    /// <summary>Issue 17's routes (the API function's <c>ReportsApi</c>: the history's authorization, checked by the function), with their methods.</summary>
    public static readonly IReadOnlyList<(string Path, string[] Methods)> ReportRoutes =
    [
        ("/cars/{carId}/trips", ["GET"]),
        ("/cars/{carId}/trips/{startTs}", ["GET"]),
        ("/cars/{carId}/stops", ["GET"]),
        ("/cars/{carId}/daily", ["GET"]),
        ("/cars/{carId}/odometer", ["PUT"]),
        ("/daily", ["GET"]),
        ("/rentals/{rentalId}/summary", ["GET"]),
    ];

    /// <summary>Issue 18's routes (the API function's <c>RolloutsApi</c>: update images and rollouts, operators only), with their methods.</summary>
    public static readonly IReadOnlyList<(string Path, string[] Methods)> UpdateRoutes =
    [
        ("/updates/images", ["GET", "POST"]),
        ("/groups/{group}/rollouts", ["POST"]),
        ("/rollouts", ["GET"]),
        ("/rollouts/{rolloutId}", ["GET"]),
        ("/rollouts/{rolloutId}/{action}", ["POST"]),
        ("/cars/{carId}/update", ["GET"]),
    ];

    /// <summary>Issue 18's remote config and group routes (the API function's <c>ConfigApi</c>, operators only), with their methods.</summary>
    public static readonly IReadOnlyList<(string Path, string[] Methods)> ConfigRoutes =
    [
        ("/cars/{carId}/config", ["GET", "PUT"]),
        ("/groups", ["GET"]),
        ("/groups/{group}", ["PUT"]),
        ("/groups/{group}/config", ["GET", "PUT"]),
    ];

    /// <summary>
    /// Issue 18's image route for the cars (the API function's <c>ImagesApi</c>), <c>GET</c> only and without the JWT
    /// authorizer: a car has no user, and the URL's token (<c>?e=&amp;t=</c>, checked by the function) is the authority. The
    /// cars reach it on the API's own domain (<see cref="DomainName"/>), not through CloudFront.
    /// </summary>
    public const string ImageRoute = "/images/{version}";

    /// <summary>The first path segments CloudFront sends to the API besides <c>/cars*</c> and <c>/me</c>.</summary>
    public static readonly IReadOnlyList<string> EventPathPrefixes = ["/events", "/zones", "/limits", "/subscriptions", "/notifications", "/daily", "/rentals", "/updates", "/groups", "/rollouts"];

    /// <summary>Steady requests per second the stage accepts before 429s.</summary>
    public const double RateLimit = 200;

    /// <summary>The burst above <see cref="RateLimit"/>.</summary>
    public const double BurstLimit = 400;

    /// <summary>Creates the API.</summary>
    /// <param name="scope">The stack.</param>
    /// <param name="id">The construct id.</param>
    /// <param name="settings">The stage's settings.</param>
    /// <param name="users">The user pool and its web client.</param>
    /// <param name="function">The API function.</param>
    /// <param name="key">Encrypts the access logs.</param>
    public FleetHttpApi(Construct scope, string id, InfraSettings settings, UserDirectory users, Function function, IKey key)
        : base(scope, id)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(users);
        ArgumentNullException.ThrowIfNull(function);
        var authorizer = new HttpUserPoolAuthorizer("Cognito", users.Pool, new HttpUserPoolAuthorizerProps
        {
            AuthorizerName = settings.Names.Prefix + "-cognito",
            UserPoolClients = [users.WebClient],
        });
        Api = new HttpApi(this, "Api", new HttpApiProps
        {
            ApiName = settings.Names.HttpApi,
            Description = "The fleet API (Tracker.Cloud.Lambda ApiHandler)",
            CreateDefaultStage = true,
            DefaultAuthorizer = authorizer,
        });

        var integration = new HttpLambdaIntegration("ApiFunction", function, new HttpLambdaIntegrationProps
        {
            PayloadFormatVersion = PayloadFormatVersion.VERSION_2_0,
        });
        foreach (string route in Routes)
        {
            Api.AddRoutes(new AddRoutesOptions { Path = route, Methods = [HttpMethod.GET], Integration = integration });
        }

        foreach ((string path, string[] methods) in EventRoutes.Concat(ReportRoutes).Concat(UpdateRoutes).Concat(ConfigRoutes))
        {
            Api.AddRoutes(new AddRoutesOptions { Path = path, Methods = methods.Select(m => Enum.Parse<HttpMethod>(m)).ToArray(), Integration = integration });
        }

        Api.AddRoutes(new AddRoutesOptions { Path = ImageRoute, Methods = [HttpMethod.GET], Integration = integration, Authorizer = new HttpNoneAuthorizer() });

        var accessLogs = new LogGroup(this, "AccessLogs", new LogGroupProps
        {
            LogGroupName = "/aws/apigateway/" + settings.Names.HttpApi,
            EncryptionKey = key,
            Retention = settings.IsProduction ? RetentionDays.THREE_MONTHS : RetentionDays.ONE_MONTH,
            RemovalPolicy = settings.IsProduction ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
        });
        var stage = (CfnStage)Api.DefaultStage!.Node.DefaultChild!;
        stage.DefaultRouteSettings = new CfnStage.RouteSettingsProperty { ThrottlingRateLimit = RateLimit, ThrottlingBurstLimit = BurstLimit };
        stage.AccessLogSettings = new CfnStage.AccessLogSettingsProperty
        {
            DestinationArn = accessLogs.LogGroupArn,

            // API Gateway developer guide, "Customize HTTP API access logs": $context variables.
            Format = "{\"requestId\":\"$context.requestId\",\"time\":\"$context.requestTime\",\"route\":\"$context.routeKey\",\"status\":\"$context.status\","
                + "\"latencyMs\":\"$context.responseLatency\",\"integrationMs\":\"$context.integrationLatency\",\"sub\":\"$context.authorizer.claims.sub\","
                + "\"authError\":\"$context.authorizer.error\",\"ip\":\"$context.identity.sourceIp\"}",
        };
    }

    /// <summary>The HTTP API.</summary>
    public HttpApi Api { get; }

    /// <summary>The API's host name, <c>{apiId}.execute-api.{region}.amazonaws.com</c>, for CloudFront.</summary>
    public string DomainName => Api.ApiId + ".execute-api." + Stack.Of(this).Region + "." + Stack.Of(this).UrlSuffix;
}
