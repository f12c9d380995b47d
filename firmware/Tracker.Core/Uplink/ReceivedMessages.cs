namespace Tracker.Core.Uplink
{
    /// <summary>
    /// The bounded queue of subscription messages an <see cref="IMqttLink"/> holds until
    /// <see cref="IMqttLink.TryTakeMessage"/> collects them. When full, the oldest message makes room:
    /// the car's control topic carries requests whose newest one is the one that counts.
    /// Not thread-safe; a link whose messages arrive on another thread locks around it.
    /// </summary>
    public sealed class ReceivedMessages
    {
        private readonly string[] _topics;
        private readonly byte[][] _payloads;
        private int _head;
        private int _count;

        /// <summary>Creates a queue holding at most <paramref name="capacity"/> messages.</summary>
        /// <param name="capacity">1 to 256.</param>
        public ReceivedMessages(int capacity)
        {
            if (capacity < 1 || capacity > 256)
            {
                throw new System.ArgumentOutOfRangeException("capacity");
            }

            _topics = new string[capacity];
            _payloads = new byte[capacity][];
        }

        /// <summary>Messages waiting.</summary>
        public int Count
        {
            get { return _count; }
        }

        /// <summary>Messages dropped to make room for newer ones.</summary>
        public long Dropped { get; private set; }

        /// <summary>Adds a message, dropping the oldest when the queue is full.</summary>
        /// <param name="topic">Its topic.</param>
        /// <param name="payload">Its payload.</param>
        public void Add(string topic, byte[] payload)
        {
            if (_count == _topics.Length)
            {
                _head = (_head + 1) % _topics.Length;
                _count--;
                Dropped++;
            }

            int slot = (_head + _count) % _topics.Length;
            _topics[slot] = topic;
            _payloads[slot] = payload;
            _count++;
        }

        /// <summary>Takes the oldest message.</summary>
        /// <param name="topic">Its topic, or empty.</param>
        /// <param name="payload">Its payload, or empty.</param>
        /// <returns>False when none is waiting.</returns>
        public bool TryTake(out string topic, out byte[] payload)
        {
            if (_count == 0)
            {
                topic = string.Empty;
                payload = new byte[0];
                return false;
            }

            topic = _topics[_head];
            payload = _payloads[_head];
            _topics[_head] = string.Empty;
            _payloads[_head] = new byte[0];
            _head = (_head + 1) % _topics.Length;
            _count--;
            return true;
        }

        /// <summary>Forgets every waiting message (a new session).</summary>
        public void Clear()
        {
            while (_count > 0)
            {
                string topic;
                byte[] payload;
                TryTake(out topic, out payload);
            }

            _head = 0;
        }
    }
}
