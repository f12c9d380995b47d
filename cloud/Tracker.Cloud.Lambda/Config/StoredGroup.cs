using System.Text.Json.Nodes;

namespace Tracker.Cloud.Lambda.Config;

/// <summary>A group as stored in IoT: its name, the thing group's version, and its config by shadow name (empty for none).</summary>
/// <param name="Name">The group.</param>
/// <param name="Version">The thing group's version (UpdateThingGroup's <c>expectedVersion</c>).</param>
/// <param name="Cfg">The group's config, by shadow name.</param>
public sealed record StoredGroup(string Name, long Version, JsonObject Cfg);
