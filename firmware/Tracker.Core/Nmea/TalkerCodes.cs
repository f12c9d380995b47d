namespace Tracker.Core.Nmea
{
    /// <summary>Maps the two address characters of a sentence to a <see cref="Talker"/>.</summary>
    public static class TalkerCodes
    {
        /// <summary>Classifies a talker identifier.</summary>
        /// <param name="a">First character.</param>
        /// <param name="b">Second character.</param>
        /// <returns>The talker, or <see cref="Talker.Unknown"/>.</returns>
        public static Talker FromChars(byte a, byte b)
        {
            switch (a)
            {
                case (byte)'G':
                    switch (b)
                    {
                        case (byte)'P': return Talker.Gp;
                        case (byte)'L': return Talker.Gl;
                        case (byte)'A': return Talker.Ga;
                        case (byte)'B': return Talker.Gb;
                        case (byte)'Q': return Talker.Gq;
                        case (byte)'I': return Talker.Gi;
                        case (byte)'N': return Talker.Gn;
                        default: return Talker.Unknown;
                    }

                case (byte)'B':
                    return b == (byte)'D' ? Talker.Bd : Talker.Unknown;
                case (byte)'Q':
                    return b == (byte)'Z' ? Talker.Qz : Talker.Unknown;
                default:
                    return Talker.Unknown;
            }
        }
    }
}
