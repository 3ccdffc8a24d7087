/** Emoji short names (as reactions carry them) and their characters; loaded lazily. */
export const EMOJI: Record<string, string> = {
  thumbsup: '👍', thumbsdown: '👎', heart: '❤️', joy: '😂', smile: '😄', slightly_smiling_face: '🙂', wink: '😉', grin: '😁',
  laughing: '😆', sweat_smile: '😅', rofl: '🤣', blush: '😊', innocent: '😇', heart_eyes: '😍', kissing_heart: '😘', yum: '😋',
  stuck_out_tongue: '😛', thinking: '🤔', neutral_face: '😐', expressionless: '😑', unamused: '😒', roll_eyes: '🙄', grimacing: '😬',
  relieved: '😌', pensive: '😔', sleepy: '😪', sleeping: '😴', mask: '😷', nauseated_face: '🤢', hot_face: '🥵', cold_face: '🥶',
  dizzy_face: '😵', exploding_head: '🤯', sunglasses: '😎', nerd_face: '🤓', confused: '😕', worried: '😟', open_mouth: '😮',
  astonished: '😲', flushed: '😳', pleading_face: '🥺', cry: '😢', sob: '😭', scream: '😱', angry: '😠', rage: '😡',
  skull: '💀', clap: '👏', wave: '👋', ok_hand: '👌', v: '✌️', crossed_fingers: '🤞', muscle: '💪', pray: '🙏', raised_hands: '🙌',
  point_up: '☝️', eyes: '👀', tada: '🎉', fire: '🔥', star: '⭐', sparkles: '✨', zap: '⚡', sunny: '☀️', cloud: '☁️',
  partly_sunny: '⛅', rain_cloud: '🌧️', thunder_cloud_and_rain: '⛈️', snowflake: '❄️', cyclone: '🌀', fog: '🌫️', rainbow: '🌈',
  ocean: '🌊', droplet: '💧', umbrella: '☂️', anchor: '⚓', sailboat: '⛵', boat: '⛵', speedboat: '🚤', ship: '🚢', compass: '🧭',
  world_map: '🗺️', round_pushpin: '📍', fish: '🐟', whale: '🐳', dolphin: '🐬', crab: '🦀', octopus: '🐙', bird: '🐦', coffee: '☕',
  beer: '🍺', wine_glass: '🍷', pizza: '🍕', bread: '🍞', apple: '🍎', white_check_mark: '✅', heavy_check_mark: '✔️', x: '❌',
  warning: '⚠️', no_entry: '⛔', question: '❓', exclamation: '❗', bulb: '💡', bell: '🔔', mega: '📣', calendar: '📅',
  clock3: '🕒', hourglass: '⌛', battery: '🔋', electric_plug: '🔌', wrench: '🔧', hammer: '🔨', gear: '⚙️', link: '🔗',
  paperclip: '📎', memo: '📝', book: '📖', camera: '📷', phone: '📞', satellite: '📡', radio: '📻', rocket: '🚀', sos: '🆘',
  hundred: '💯', plus1: '👍', minus1: '👎', '+1': '👍', '-1': '👎', rotating_light: '🚨', life_buoy: '🛟', ring_buoy: '🛟',
};
