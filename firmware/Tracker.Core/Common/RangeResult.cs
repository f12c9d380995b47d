namespace Tracker.Core.Common
{
    /// <summary>The outcome of one <see cref="IRangeSource.Read"/>.</summary>
    public enum RangeResult
    {
        /// <summary>The bytes arrived (all of them, or as many as <c>read</c> says).</summary>
        Ok = 0,

        /// <summary>The link dropped, or the server did not answer in time: try again later, from where the download stands.</summary>
        LinkDown = 1,

        /// <summary>The server refused the request (an expired pre-signed URL, 403 or 404): the job needs a fresh URL.</summary>
        Refused = 2,
    }
}
