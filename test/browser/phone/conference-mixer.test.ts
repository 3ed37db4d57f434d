/**
 * ConferenceMixer's graph with distinct tones: fake calls whose "remote" parties and my
 * "microphone" are oscillators at different frequencies, so the spectrum of what each leg
 * sends shows exactly whose audio is in it. (The real-phone test in jssip-transfer.test.ts
 * shows the same through the platform, with Chromium's one fake beep for everybody.)
 */
import { expect } from '@open-wc/testing';
import { sendMouse } from '@web/test-runner-commands';
import { CallRecording } from '../../../src/phone/call-recording.js';
import { ConferenceMixer } from '../../../src/phone/conference-mixer.js';
import { FakePhone, type FakeCall } from '../../../src/phone/fake-phone.js';

const BOB_HZ = 440;
const DAN_HZ = 1_000;
const MIC_HZ = 2_500;

describe('ConferenceMixer', function () {
  this.timeout(10_000);
  let context: AudioContext;
  let phone: FakePhone;

  function tone(hz: number): MediaStream {
    const oscillator = context.createOscillator();
    oscillator.frequency.value = hz;
    const destination = context.createMediaStreamDestination();
    oscillator.connect(destination);
    oscillator.start();
    return destination.stream;
  }

  /** Level in dB at each frequency of `track`'s spectrum (about -20 when present, below -90 when not). */
  async function spectrum(track: MediaStreamTrack | null, frequencies: number[]): Promise<number[]> {
    if (!track) throw new Error('no track');
    const analyser = context.createAnalyser();
    analyser.fftSize = 4096;
    analyser.smoothingTimeConstant = 0;
    const source = context.createMediaStreamSource(new MediaStream([track]));
    source.connect(analyser);
    await new Promise((r) => setTimeout(r, 250));
    const bins = new Float32Array(analyser.frequencyBinCount);
    analyser.getFloatFrequencyData(bins);
    source.disconnect();
    const hzPerBin = context.sampleRate / analyser.fftSize;
    return frequencies.map((hz) => {
      const bin = Math.round(hz / hzPerBin);
      return Math.max(bins[bin - 1]!, bins[bin]!, bins[bin + 1]!);
    });
  }

  async function connectedCall(number: string, remoteHz: number, mic: MediaStream): Promise<FakeCall> {
    const call = phone.call(number);
    call.simulateRemoteAnswer();
    call.simulateRemoteStream(tone(remoteHz));
    call.simulateLocalStream(mic);
    return call;
  }

  beforeEach(async () => {
    // Autoplay policy: an AudioContext runs only after a user gesture (or while the page
    // captures the microphone, as the real-phone tests do). The app mixes from a click too.
    await sendMouse({ type: 'click', position: [1, 1] });
    context = new AudioContext();
    await context.resume();
    phone = new FakePhone();
    phone.start({ uri: 'sip:1001@demo', authorizationUser: 'a', password: 'p', websocketUrl: 'ws://x', displayName: '', userAgent: '' });
    await Promise.resolve();
  });

  afterEach(async () => {
    await context.close();
  });

  it('sends each leg my microphone and the other legs, never its own party', async () => {
    const mic = tone(MIC_HZ);
    const bob = await connectedCall('1002', BOB_HZ, mic);
    const dan = await connectedCall('1004', DAN_HZ, mic);
    const mixer = new ConferenceMixer(context);
    mixer.add(bob);
    mixer.add(dan);
    expect(context.state).to.equal('running');
    expect(bob.outgoingAudio).to.equal(mixer.outgoingTrack(bob));
    expect(dan.outgoingAudio).to.equal(mixer.outgoingTrack(dan));

    const [toBobFromBob, toBobFromDan, toBobMic] = await spectrum(bob.outgoingAudio, [BOB_HZ, DAN_HZ, MIC_HZ]);
    expect(toBobFromDan, 'Bob hears Dan').to.be.above(-50);
    expect(toBobMic, 'Bob hears me').to.be.above(-50);
    expect(toBobFromBob, 'Bob does not hear himself').to.be.below(-80);
    const [toDanFromBob, toDanFromDan, toDanMic] = await spectrum(dan.outgoingAudio, [BOB_HZ, DAN_HZ, MIC_HZ]);
    expect(toDanFromBob, 'Dan hears Bob').to.be.above(-50);
    expect(toDanMic, 'Dan hears me').to.be.above(-50);
    expect(toDanFromDan, 'Dan does not hear himself').to.be.below(-80);

    const recorded = await spectrum(mixer.recordingStream().getAudioTracks()[0]!, [BOB_HZ, DAN_HZ, MIC_HZ]);
    expect(recorded.every((db) => db > -50), `recording has everyone: ${recorded}`).to.equal(true);

    // Dan leaves: Bob gets me alone, Dan his plain microphone.
    mixer.remove(dan);
    expect(dan.outgoingAudio).to.equal(null);
    const [, bobHearsDan, bobHearsMe] = await spectrum(bob.outgoingAudio, [BOB_HZ, DAN_HZ, MIC_HZ]);
    expect(bobHearsDan).to.be.below(-80);
    expect(bobHearsMe).to.be.above(-50);

    mixer.dispose();
    expect(bob.outgoingAudio).to.equal(null);
  });

  it('mutes me on every leg, follows a replaced remote stream, and drops ended calls', async () => {
    const bob = await connectedCall('1002', BOB_HZ, tone(MIC_HZ));
    const dan = await connectedCall('1004', DAN_HZ, tone(MIC_HZ));
    const mixer = new ConferenceMixer(context);
    mixer.add(bob);
    mixer.add(dan);
    mixer.setMuted(true);
    expect(bob.snapshot.muted && dan.snapshot.muted).to.equal(true);
    expect(mixer.isMuted).to.equal(true);

    // Dan's call is taken over by another party (INVITE with Replaces): the mix follows.
    const carolHz = 1_600;
    dan.simulateReplaced({ number: '1003', name: 'Carol Chen' }, tone(carolHz));
    const [fromDan, fromCarol] = await spectrum(bob.outgoingAudio, [DAN_HZ, carolHz]);
    expect(fromDan).to.be.below(-80);
    expect(fromCarol).to.be.above(-50);

    dan.simulateRemoteHangup();
    expect(mixer.calls).to.deep.equal([bob]);
    mixer.dispose();
  });

  it('records a call: microphone and remote party in one WebM/Opus file', async () => {
    const bob = await connectedCall('1002', BOB_HZ, tone(MIC_HZ));
    const recording = new CallRecording(bob, { audioContext: context, timesliceMs: 250 });
    const chunks: Blob[] = [];
    recording.ondata = (chunk) => chunks.push(chunk);
    recording.start();
    await new Promise((r) => setTimeout(r, 1_000));
    bob.simulateRemoteHangup(); // the recording stops by itself with the call
    expect(recording.state).to.equal('stopped');
    const blob = await recording.stop();
    expect(recording.mimeType).to.match(/^audio\/webm/);
    expect(chunks.length).to.be.at.least(3);
    const audio = await context.decodeAudioData(await blob.arrayBuffer());
    expect(audio.duration).to.be.within(0.7, 1.3);
    expect(recording.durationS).to.be.within(0.9, 1.3);
  });
});
