const { Manager } = await import('@proc/managers');
const t=performance.now(); const m = await Manager(); console.log('ready', performance.now()-t);
const d = await m.dict(); await d.set('x',1); console.log(await d.get('x'));
let t0=performance.now(); for (let i=0;i<5000;i++) await d.get('x'); console.log('seq', 5000/((performance.now()-t0)/1000));
t0=performance.now(); await Promise.all(Array.from({length:20000},()=>d.get('x'))); console.log('pipe', 20000/((performance.now()-t0)/1000));
await m.shutdown();
