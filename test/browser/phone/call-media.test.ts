/**
 * CallMedia without SIP: the mute/hold rule and track handling on a fake peer connection (plain
 * objects with real audio tracks), and the remote stream and "media up" on two real
 * RTCPeerConnections connected to each other in this page.
 */
import { expect } from '@open-wc/testing';
import { CallMedia, type MediaCall } from '../../../src/phone/call-media.js';

const audio = new AudioContext();
/** A real, live audio track that needs no microphone. */
function track(): MediaStreamTrack {
  return audio.createMediaStreamDestination().stream.getAudioTracks()[0]!;
}

/** The parts of RTCPeerConnection CallMedia uses, with one audio sender. */
class FakeConnection {
  readonly sender = {
    track: null as MediaStreamTrack | null,
    replaced: [] as Array<MediaStreamTrack | null>,
    async replaceTrack(t: MediaStreamTrack | null) {
      this.replaced.push(t);
      this.track = t;
    },
  };
  readonly remote = track();
  constructor(mic: MediaStreamTrack) {
    this.sender.track = mic;
  }
  getSenders() {
    return [this.sender];
  }
  getReceivers() {
    return [{ track: this.remote }];
  }
  getTransceivers() {
    return [{ receiver: { track: this.remote }, currentDirection: 'sendrecv', sender: this.sender }];
  }
}

/** A call the media belongs to, whose state the test sets. */
function callOf(pc: unknown) {
  const state = { pc: pc as RTCPeerConnection | null, held: false, muted: false, ended: false, changes: 0 };
  const call: MediaCall = {
    connection: () => state.pc,
    held: () => state.held,
    muted: () => state.muted,
    ended: () => state.ended,
    changed: () => void (state.changes += 1),
  };
  return { state, call };
}

describe('CallMedia (no SIP)', () => {
  it('takes the microphone from the sender once the tracks are on the connection', () => {
    const mic = track();
    const pc = new FakeConnection(mic);
    const { call } = callOf(pc);
    const media = new CallMedia(call);
    expect(media.localStream).to.equal(null);
    media.tracksReady();
    expect(media.localStream?.getAudioTracks()).to.deep.equal([mic]);
    // The same stream while the microphone stays the same.
    expect(media.localStream).to.equal(media.localStream);
    // The remote stream from the receivers when no 'track' event was seen.
    expect(media.remoteStream?.getAudioTracks()).to.deep.equal([pc.remote]);
  });

  it('mute silences the microphone; hold silences everything sent; a mix stays on when muted', async () => {
    const mic = track();
    const mix = track();
    const pc = new FakeConnection(mic);
    const { state, call } = callOf(pc);
    const media = new CallMedia(call);
    media.tracksReady();

    state.muted = true;
    media.sync();
    expect(mic.enabled).to.equal(false);
    state.muted = false;
    media.sync();
    expect(mic.enabled).to.equal(true);
    state.held = true;
    media.sync();
    expect(mic.enabled).to.equal(false);
    state.held = false;

    // In a conference the mix goes out instead of the microphone, which only feeds it.
    await media.setOutgoingAudio(mix);
    expect(pc.sender.track).to.equal(mix);
    state.muted = true;
    media.sync();
    expect([mix.enabled, mic.enabled]).to.deep.equal([true, false]);
    state.held = true;
    media.sync();
    expect([mix.enabled, mic.enabled]).to.deep.equal([false, false]);
    state.held = false;
    state.muted = false;

    // Back to the microphone.
    await media.setOutgoingAudio(null);
    expect(pc.sender.track).to.equal(mic);
    expect(mic.enabled).to.equal(true);
    let refused: unknown;
    await media.setOutgoingAudio({ kind: 'video' } as MediaStreamTrack).catch((e) => (refused = e));
    expect(refused).to.be.instanceOf(TypeError);
  });

  it('a mix set before the connection exists goes on as soon as the tracks are there', async () => {
    const mic = track();
    const mix = track();
    const { state, call } = callOf(null);
    const media = new CallMedia(call);
    await media.setOutgoingAudio(mix); // nothing to put it on yet
    const pc = new FakeConnection(mic);
    state.pc = pc as unknown as RTCPeerConnection;
    media.tracksReady();
    await Promise.resolve();
    expect(pc.sender.replaced).to.deep.equal([mix]);
    expect(media.localStream?.getAudioTracks()).to.deep.equal([mic]);
  });

  it('switches microphones on a live call, stopping the one it replaces, and stops its own at the end', async () => {
    const first = track();
    const opened: MediaStreamTrack[] = [];
    const pc = new FakeConnection(first);
    const { state, call } = callOf(pc);
    const media = new CallMedia(call, {
      getUserMedia: async () => {
        const t = track();
        opened.push(t);
        return new MediaStream([t]);
      },
    });
    media.tracksReady();
    await media.useMicrophone({ deviceId: 'a' });
    // The microphone it replaced is stopped (the browser's recording indicator goes off).
    expect(first.readyState).to.equal('ended');
    expect(pc.sender.track).to.equal(opened[0]);
    expect(media.localStream?.getAudioTracks()).to.deep.equal([opened[0]]);
    expect(state.changes).to.equal(1);
    await media.useMicrophone({ deviceId: 'b' });
    expect(opened[0]!.readyState).to.equal('ended');
    expect(pc.sender.track).to.equal(opened[1]);

    // Into a mix, the new microphone feeds the mix only: the sender keeps the mix.
    const mix = track();
    await media.setOutgoingAudio(mix);
    await media.useMicrophone({ deviceId: 'c' });
    expect(pc.sender.track).to.equal(mix);
    expect(media.localStream?.getAudioTracks()).to.deep.equal([opened[2]]);

    expect(opened[2]!.readyState).to.equal('live');
    media.stop();
    expect(opened[2]!.readyState).to.equal('ended');
  });

  it('a microphone that arrives after the call ended is stopped at once', async () => {
    const pc = new FakeConnection(track());
    const { state, call } = callOf(pc);
    const late = track();
    const media = new CallMedia(call, {
      getUserMedia: async () => {
        state.ended = true;
        return new MediaStream([late]);
      },
    });
    media.tracksReady();
    await media.useMicrophone(true);
    expect(late.readyState).to.equal('ended');
    expect(media.localStream).to.equal(null);
  });

  it('on a replaced connection, forgets the old streams and stops the microphones it opened', async () => {
    const pc = new FakeConnection(track());
    const { state, call } = callOf(pc);
    const mine = track();
    const media = new CallMedia(call, { getUserMedia: async () => new MediaStream([mine]) });
    media.tracksReady();
    await media.useMicrophone(true);
    expect(media.remoteStream).to.not.equal(null);
    media.reset();
    expect(mine.readyState).to.equal('ended');
    expect(media.localStream).to.equal(null);
    const next = new FakeConnection(track());
    state.pc = next as unknown as RTCPeerConnection;
    expect(media.remoteStream?.getAudioTracks()).to.deep.equal([next.remote]);
  });

  it('on real peer connections: the remote stream from the track event, and media up once connected', async () => {
    const a = new RTCPeerConnection();
    const b = new RTCPeerConnection();
    try {
      a.onicecandidate = (e) => void (e.candidate && b.addIceCandidate(e.candidate));
      b.onicecandidate = (e) => void (e.candidate && a.addIceCandidate(e.candidate));
      const { call } = callOf(a);
      const media = new CallMedia(call);
      let up = 0;
      media.watch(a, () => (up += 1));
      media.watch(a, () => (up += 100)); // watching the same connection again adds nothing
      const sent = track();
      b.addTrack(sent, new MediaStream([sent]));
      a.addTransceiver('audio', { direction: 'sendrecv' });
      await a.setLocalDescription(await a.createOffer());
      await b.setRemoteDescription(a.localDescription!);
      await b.setLocalDescription(await b.createAnswer());
      await a.setRemoteDescription(b.localDescription!);
      await until(() => up > 0 && a.connectionState === 'connected');
      expect(up).to.equal(1);
      const remote = media.remoteStream;
      expect(remote?.getAudioTracks()).to.have.length(1);
      expect(remote?.getAudioTracks()[0]!.kind).to.equal('audio');
    } finally {
      a.close();
      b.close();
    }
  });

  it('ignores the events of a connection the call no longer uses', async () => {
    const old = new RTCPeerConnection();
    const other = new RTCPeerConnection();
    try {
      const { state, call } = callOf(old);
      const media = new CallMedia(call);
      let up = 0;
      media.watch(old, () => (up += 1));
      state.pc = new FakeConnection(track()) as unknown as RTCPeerConnection;
      old.dispatchEvent(new Event('connectionstatechange'));
      expect(up).to.equal(0);
      // Its 'track' events do not become the remote stream either.
      const t = track();
      old.dispatchEvent(Object.assign(new Event('track'), { track: t, streams: [new MediaStream([t])] }));
      expect(media.remoteStream?.getAudioTracks()[0]).to.not.equal(t);
    } finally {
      old.close();
      other.close();
    }
  });
});

async function until(done: () => boolean, timeoutMs = 4000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}
