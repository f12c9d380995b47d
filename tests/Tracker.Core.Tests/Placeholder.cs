namespace Tracker.Core.Tests;
